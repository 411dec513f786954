import { defineMessage, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { endpointFor, type HandoverEndpoint } from '../../../../../shared/handover.ts';
import type { SyncTarget } from '../../../../../shared/sync.ts';
import { useStation } from '../../../app/station.tsx';
import { type Explained, explain } from '../../../api/errors.ts';
import { announce } from '../../../components/Announcer.tsx';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Modal } from '../../../components/Modal.tsx';

type Ports = 'mqttPort' | 'httpPort' | 'coapPort';
const portFields: { key: Ports; label: MessageDescriptor }[] = [
  { key: 'mqttPort', label: defineMessage({ id: 'handover.mqttPort', defaultMessage: 'MQTT port' }) },
  { key: 'httpPort', label: defineMessage({ id: 'handover.httpPort', defaultMessage: 'HTTP port' }) },
  { key: 'coapPort', label: defineMessage({ id: 'handover.coapPort', defaultMessage: 'CoAP port' }) },
];

/** Chooses the cloud (a sync target) and where its devices connect, says what will happen, and starts the hand-over. */
export function HandoverDialog({
  batch,
  provisioned,
  pending,
  onClose,
  onStarted,
}: {
  batch: string;
  provisioned: number;
  pending: number;
  onClose: () => void;
  onStarted: () => void;
}) {
  const { api } = useStation();
  const id = useId();
  const [targets, setTargets] = useState<SyncTarget[] | null>(null);
  const [target, setTarget] = useState('');
  const [endpoint, setEndpoint] = useState<HandoverEndpoint | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const intl = useIntl();

  useEffect(() => {
    api['sync.targets.list']({}).then(
      (list) => {
        setTargets(list);
        const first = list.find((t) => t.type === 'thingsboard') ?? list[0];
        if (first) {
          setTarget(first.name);
          setEndpoint(endpointFor(first.url));
        }
      },
      (err: unknown) => setError(explain(err)),
    );
  }, [api]);

  function choose(t: SyncTarget): void {
    setTarget(t.name);
    setEndpoint(endpointFor(t.url));
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!endpoint) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api['handover.start']({ batch, target, endpoint });
      announce(intl.formatMessage({ id: 'handover.started', defaultMessage: 'Hand-over of {count, plural, one {# device} other {# devices}} to {target} started' }, { count: r.started, target: r.target }));
      onStarted();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  const setPort = (key: Ports, value: string) => setEndpoint((e) => (e ? { ...e, [key]: Number(value) } : e));

  return (
    <Modal
      title={intl.formatMessage({ id: 'handover.title', defaultMessage: 'Hand “{batch}” over to the cloud' }, { batch })}
      onClose={onClose}
      className="modal-wide"
      describedBy={`${id}-what`}
    >
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'handover.form', defaultMessage: 'Hand over' })}>
        <p id={`${id}-what`}>
          <FormattedMessage id="handover.what" defaultMessage="{count, plural, one {# provisioned device is} other {# provisioned devices are}} told where they live from now on, each once sync has delivered it to the cloud with the same credentials. They confirm by reporting the profile’s confirmation attribute." values={{ count: provisioned }} />
          {pending > 0 ? (
            <>
              {' '}
              <FormattedMessage id="handover.leftOut" defaultMessage="{count, plural, one {# device not provisioned yet is} other {# devices not provisioned yet are}} left out." values={{ count: pending }} />
            </>
          ) : null}
        </p>
        {targets && targets.length === 0 && <p className="field-error"><FormattedMessage id="handover.noTarget" defaultMessage="There is no sync target yet: add the cloud on the Sync screen first." /></p>}
        {targets && targets.length > 0 && (
          <div className="field">
            <label htmlFor={`${id}-target`}>{intl.formatMessage({ id: 'handover.cloud', defaultMessage: 'Cloud' })}</label>
            <select
              id={`${id}-target`}
              value={target}
              onChange={(e) => {
                const t = targets.find((x) => x.name === e.target.value);
                if (t) choose(t);
              }}
            >
              {targets.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.url})
                </option>
              ))}
            </select>
          </div>
        )}
        {endpoint && (
          <fieldset className="field handover-endpoint">
            <legend><FormattedMessage id="handover.where" defaultMessage="Where devices connect" /></legend>
            <div className="field">
              <label htmlFor={`${id}-host`}>{intl.formatMessage({ id: 'handover.host', defaultMessage: 'Host' })}</label>
              <input id={`${id}-host`} value={endpoint.host} onChange={(e) => setEndpoint({ ...endpoint, host: e.target.value })} autoComplete="off" />
            </div>
            {portFields.map((f) => (
              <div className="field" key={f.key}>
                <label htmlFor={`${id}-${f.key}`}>{intl.formatMessage(f.label)}</label>
                <input
                  id={`${id}-${f.key}`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={65535}
                  value={endpoint[f.key]}
                  onChange={(e) => setPort(f.key, e.target.value)}
                />
              </div>
            ))}
            <label className="check">
              <input type="checkbox" checked={endpoint.tls} onChange={(e) => setEndpoint({ ...endpoint, tls: e.target.checked })} />
              <FormattedMessage id="handover.tls" defaultMessage="TLS" />
            </label>
          </fieldset>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !endpoint || target === ''}>
            {busy
              ? intl.formatMessage({ id: 'handover.starting', defaultMessage: 'Starting…' })
              : intl.formatMessage({ id: 'handover.submit', defaultMessage: 'Hand over {count, plural, one {# device} other {# devices}}' }, { count: provisioned })}
          </button>
        </div>
      </form>
    </Modal>
  );
}
