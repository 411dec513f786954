import type { ListenerName } from '../../../../shared/station.ts';

export const listenerTitles: Record<ListenerName, { title: string; note: string }> = {
  ui: { title: 'Admin UI and API', note: 'This computer only' },
  http: { title: 'HTTP', note: 'Devices' },
  mqtt: { title: 'MQTT broker', note: 'Devices' },
  coap: { title: 'CoAP', note: 'Devices' },
  https: { title: 'HTTPS', note: 'Devices, over TLS' },
  mqtts: { title: 'MQTTS broker', note: 'Devices, over TLS; X.509 login' },
};
