import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useId, useState } from 'react';
import type { DeviceListenerName, ListenerInfo } from '../../../../shared/station.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { listenerTitle } from './titles.ts';

type Iface = { name: string; address: string };

/** Each listener with its URL and an on/off switch (device listeners), and the network interface devices reach. */
export function Listeners({ listeners }: { listeners: readonly ListenerInfo[] }) {
  const { api } = useStation();
  const id = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [interfaces, setInterfaces] = useState<Iface[] | null>(null);
  const intl = useIntl();
  const bound = listeners.find((l) => l.name !== 'ui')?.address ?? '0.0.0.0';

  useEffect(() => {
    api['station.interfaces']({}).then(setInterfaces, () => setInterfaces(null));
  }, [api]);

  const toggle = async (l: ListenerInfo) => {
    setBusy(l.name);
    setError(null);
    try {
      await api['station.listeners.set']({ name: l.name as DeviceListenerName, enabled: !l.enabled });
      const listener = listenerTitle(l.name).title;
      announce(
        l.enabled
          ? intl.formatMessage({ id: 'server.listeners.switchedOff', defaultMessage: '{listener} switched off' }, { listener })
          : intl.formatMessage({ id: 'server.listeners.switchedOn', defaultMessage: '{listener} switched on' }, { listener }),
      );
    } catch (err) {
      const e = explain(err);
      setError({ ...e, next:
          e.next ??
          intl.formatMessage({
            id: 'server.listeners.portBusy',
            defaultMessage: 'Another program may be using the port: close it, or start the station with another port.',
          }),
      });
    } finally {
      setBusy(null);
    }
  };

  const rebind = async (address: string) => {
    setBusy('bind');
    setError(null);
    try {
      await api['station.bind.set']({ address });
      announce(
        address === '0.0.0.0'
          ? intl.formatMessage({ id: 'server.listeners.listeningEvery', defaultMessage: 'Listening on every network interface' })
          : intl.formatMessage({ id: 'server.listeners.listeningOn', defaultMessage: 'Listening on {address}' }, { address }),
      );
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
    }
  };

  const choices = interfaces ?? [];
  const known = choices.some((i) => i.address === bound);
  return (
    <section aria-labelledby="listeners-title" className="card">
      <div className="card-header">
        <h2 id="listeners-title">
          <FormattedMessage id="server.listeners.title" defaultMessage="Listeners" />
        </h2>
        {interfaces && (
          <div className="bind-field">
            <label htmlFor={`${id}-bind`}>
              <FormattedMessage id="server.listeners.bind" defaultMessage="Devices reach the station on" />
            </label>
            <select id={`${id}-bind`} value={bound} onChange={(e) => void rebind(e.target.value)} disabled={busy !== null}>
              {!known && <option value={bound}>{bound === '127.0.0.1'
                    ? intl.formatMessage({ id: 'server.listeners.loopback', defaultMessage: 'This computer only (127.0.0.1)' })
                    : bound}</option>}
              {choices.map((i) => (
                <option key={i.address} value={i.address}>
                  {i.address === '0.0.0.0'
                    ? intl.formatMessage({ id: 'server.listeners.every', defaultMessage: 'Every network interface' })
                    : `${i.name} · ${i.address}`}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      <table className="table compact" aria-labelledby="listeners-title">
        <thead>
          <tr>
            <th scope="col">
              <FormattedMessage id="server.listeners.colListener" defaultMessage="Listener" />
            </th>
            <th scope="col">
              <FormattedMessage id="server.listeners.colUrl" defaultMessage="URL" />
            </th>
            <th scope="col">
              <FormattedMessage id="server.listeners.colOn" defaultMessage="On" />
            </th>
          </tr>
        </thead>
        <tbody>
          {listeners.map((l) => {
            const device = l.name !== 'ui';
            const on = l.enabled !== false;
            return (
              <tr key={l.name} data-listener={l.name} data-enabled={on}>
                <th scope="row">
                  <span className="listener-title">{listenerTitle(l.name).title}</span>
                  <span className="listener-note">{listenerTitle(l.name).note}</span>
                </th>
                <td>
                  {on ? (
                    <div className="copy-field">
                      <code className="nowrap">{l.url}</code>
                      <CopyButton value={l.url} what={intl.formatMessage(
                          { id: 'server.listeners.urlWhat', defaultMessage: '{listener} URL' },
                          { listener: listenerTitle(l.name).title },
                        )}
                      />
                    </div>
                  ) : (
                    <span className="muted">
                      <FormattedMessage id="server.listeners.off" defaultMessage="off: devices cannot reach it" />
                    </span>
                  )}
                </td>
                <td>
                  {device ? (
                    <button
                      type="button"
                      role="switch"
                      aria-checked={on}
                      className={`switch${on ? ' is-on' : ''}`}
                      onClick={() => void toggle(l)}
                      disabled={busy !== null}
                      aria-label={listenerTitle(l.name).title}
                      title={
                        on
                          ? intl.formatMessage({ id: 'server.listeners.switchOff', defaultMessage: 'Switch off' })
                          : intl.formatMessage({ id: 'server.listeners.switchOn', defaultMessage: 'Switch on' })
                      }
                    >
                      <span className="switch-knob" aria-hidden="true" />
                    </button>
                  ) : (
                    <span className="muted">
                      <FormattedMessage id="server.listeners.always" defaultMessage="always" />
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
