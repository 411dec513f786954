import { defineMessages } from 'react-intl';
import type { ListenerName } from '../../../../shared/station.ts';
import { getIntl } from '../../i18n/intl.ts';

const titles = defineMessages({
  ui: { id: 'server.listener.ui', defaultMessage: 'Admin UI and API' },
  http: { id: 'server.listener.http', defaultMessage: 'HTTP' },
  mqtt: { id: 'server.listener.mqtt', defaultMessage: 'MQTT broker' },
  coap: { id: 'server.listener.coap', defaultMessage: 'CoAP' },
  https: { id: 'server.listener.https', defaultMessage: 'HTTPS' },
  mqtts: { id: 'server.listener.mqtts', defaultMessage: 'MQTTS broker' },
});

const notes = defineMessages({
  ui: { id: 'server.listener.uiNote', defaultMessage: 'This computer only' },
  devices: { id: 'server.listener.devicesNote', defaultMessage: 'Devices' },
  tls: { id: 'server.listener.tlsNote', defaultMessage: 'Devices, over TLS' },
  mqtts: { id: 'server.listener.mqttsNote', defaultMessage: 'Devices, over TLS; X.509 login' },
});

const noteOf: Record<ListenerName, keyof typeof notes> = { ui: 'ui', http: 'devices', mqtt: 'devices', coap: 'devices', https: 'tls', mqtts: 'mqtts' };

/** A listener's name and who it is for, in the chosen language. */
export function listenerTitle(name: ListenerName): { title: string; note: string } {
  const intl = getIntl();
  const title = titles[name];
  return title ? { title: intl.formatMessage(title), note: intl.formatMessage(notes[noteOf[name]]) } : { title: name, note: '' };
}
