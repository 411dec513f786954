import { defineMessage, FormattedMessage, type IntlShape, type MessageDescriptor, useIntl } from 'react-intl';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { durationText, parseDuration } from '../../../../shared/durations.ts';
import type { HandoverSettings } from '../../../../shared/handover.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatSpan } from '../../components/time.tsx';

type NameField = keyof HandoverSettings['attributes'];
const nameFields: { field: NameField; label: MessageDescriptor; hint: MessageDescriptor }[] = [
  { field: 'host', label: defineMessage({ id: 'hoSettings.host', defaultMessage: 'Host attribute' }), hint: defineMessage({ id: 'hoSettings.hostHint', defaultMessage: 'the cloud’s host name or address' }) },
  { field: 'mqttPort', label: defineMessage({ id: 'hoSettings.mqttPort', defaultMessage: 'MQTT port attribute' }), hint: defineMessage({ id: 'hoSettings.mqttPortHint', defaultMessage: 'the cloud’s MQTT port' }) },
  { field: 'httpPort', label: defineMessage({ id: 'hoSettings.httpPort', defaultMessage: 'HTTP port attribute' }), hint: defineMessage({ id: 'hoSettings.httpPortHint', defaultMessage: 'the cloud’s HTTP port' }) },
  { field: 'coapPort', label: defineMessage({ id: 'hoSettings.coapPort', defaultMessage: 'CoAP port attribute' }), hint: defineMessage({ id: 'hoSettings.coapPortHint', defaultMessage: 'the cloud’s CoAP port' }) },
  { field: 'tls', label: defineMessage({ id: 'hoSettings.tls', defaultMessage: 'TLS attribute' }), hint: defineMessage({ id: 'hoSettings.tlsHint', defaultMessage: 'true when the device must use TLS' }) },
];

interface Draft {
  attributes: Record<NameField, string>;
  confirmKey: string;
  timeout: string;
  extra: string;
}

const draftOf = (s: HandoverSettings): Draft => ({
  attributes: { ...s.attributes },
  confirmKey: s.confirmKey,
  timeout: durationText(s.timeoutMs),
  extra: Object.keys(s.extra).length ? JSON.stringify(s.extra, null, 2) : '',
});

/** What the form holds as settings, or the problem of each field in plain words. */
function read(d: Draft, intl: IntlShape): { settings: HandoverSettings; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  for (const { field } of nameFields) if (!d.attributes[field].trim()) problems[field] = intl.formatMessage({ id: 'attributes.nameMissing', defaultMessage: 'Give the attribute a name.' });
  if (!d.confirmKey.trim()) problems.confirmKey = intl.formatMessage({ id: 'hoSettings.confirmMissing', defaultMessage: 'Give the confirmation attribute a name.' });
  const timeout = parseDuration(d.timeout);
  if (!timeout.ok) problems.timeout = intl.formatMessage({ id: 'hoSettings.timeoutInvalid', defaultMessage: 'Write a duration like 12h, 1d or 90m.' });
  else if (timeout.ms < 1000 || timeout.ms > 30 * 86_400_000) problems.timeout = intl.formatMessage({ id: 'hoSettings.timeoutRange', defaultMessage: 'Between 1 second and 30 days.' });
  let extra: Record<string, unknown> = {};
  if (d.extra.trim()) {
    try {
      const parsed: unknown = JSON.parse(d.extra);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) problems.extra = intl.formatMessage({ id: 'hoSettings.extraNotObject', defaultMessage: 'Write a JSON object, like \'{\'"fwChannel": "stable"\'}\'.' });
      else extra = parsed as Record<string, unknown>;
    } catch {
      problems.extra = intl.formatMessage({ id: 'hoSettings.extraInvalid', defaultMessage: 'This is not valid JSON. Write an object, like \'{\'"fwChannel": "stable"\'}\'.' });
    }
  }
  const attributes = Object.fromEntries(nameFields.map(({ field }) => [field, d.attributes[field].trim()])) as HandoverSettings['attributes'];
  return { settings: { attributes, confirmKey: d.confirmKey.trim(), timeoutMs: timeout.ok ? timeout.ms : 0, extra }, problems };
}

/** A profile's hand-over: the shared attribute names its firmware reads, extras, the confirmation and the timeout. */
export function HandoverSettingsForm({ profile }: { profile: string }) {
  const { api } = useStation();
  const id = useId();
  const [saved, setSaved] = useState<Draft | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const intl = useIntl();

  const load = () =>
    api['handover.settings.get']({ profile }).then(
      (s) => {
        setSaved(draftOf(s));
        setDraft(draftOf(s));
        setError(null);
      },
      (err: unknown) => setError(explain(err)),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again for another profile only
  useEffect(() => {
    setDraft(null);
    void load();
  }, [api, profile]);

  if (!draft) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} className="card-title">
          <FormattedMessage id="hoSettings.title" defaultMessage="Hand-over" />
        </h2>
        {error ? <ErrorNotice error={error} onRetry={() => void load()} /> : <p className="muted"><FormattedMessage id="common.loading" defaultMessage="Loading…" /></p>}
      </section>
    );
  }

  const { settings, problems } = read(draft, intl);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const problem = (field: string) => (checked ? problems[field] : undefined);
  const props = (field: string) => ({
    id: `${id}-${field}`,
    'aria-invalid': problem(field) ? true : undefined,
    'aria-describedby': `${id}-${field}-hint${problem(field) ? ` ${id}-${field}-error` : ''}`,
    autoComplete: 'off',
    spellCheck: false,
  });
  const errorOf = (field: string) =>
    problem(field) ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        <Icon name="alert" size={14} />
        {problem(field)}
      </p>
    ) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    const first = Object.keys(problems)[0];
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api['handover.settings.set']({ profile, settings });
      setSaved(draftOf(result));
      setDraft(draftOf(result));
      setChecked(false);
      announce(intl.formatMessage({ id: 'hoSettings.saved', defaultMessage: 'Saved hand-over settings of {profile}' }, { profile }));
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card handover-settings" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <div>
          <h2 id={`${id}-title`} className="card-title">
            <FormattedMessage id="hoSettings.title" defaultMessage="Hand-over" />
          </h2>
          <p className="card-subtitle"><FormattedMessage id="hoSettings.intro" defaultMessage="How this profile’s firmware is told its long-term server, and how it confirms." /></p>
        </div>
        {dirty && <span className="badge badge-warning"><FormattedMessage id="attributes.unsaved" defaultMessage="Unsaved changes" /></span>}
      </div>
      <fieldset className="handover-names">
        <legend><FormattedMessage id="hoSettings.names" defaultMessage="Shared attribute names" /></legend>
        {nameFields.map(({ field, label, hint }) => (
          <div className="field" key={field}>
            <label htmlFor={`${id}-${field}`}>{intl.formatMessage(label)}</label>
            <input {...props(field)} value={draft.attributes[field]} onChange={(e) => setDraft({ ...draft, attributes: { ...draft.attributes, [field]: e.target.value } })} />
            <p className="field-hint" id={`${id}-${field}-hint`}>
              {intl.formatMessage(hint)}
            </p>
            {errorOf(field)}
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-confirmKey`}>{intl.formatMessage({ id: 'hoSettings.confirm', defaultMessage: 'Confirmation attribute' })}</label>
        <input {...props('confirmKey')} value={draft.confirmKey} onChange={(e) => setDraft({ ...draft, confirmKey: e.target.value })} />
        <p className="field-hint" id={`${id}-confirmKey-hint`}>
<FormattedMessage id="hoSettings.confirmHint" defaultMessage="The client attribute a device reports to confirm; any value but false, 0, null or empty text counts." />
        </p>
        {errorOf('confirmKey')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-timeout`}>{intl.formatMessage({ id: 'hoSettings.timeout', defaultMessage: 'Give up after' })}</label>
        <input {...props('timeout')} value={draft.timeout} onChange={(e) => setDraft({ ...draft, timeout: e.target.value })} />
        <p className="field-hint" id={`${id}-timeout-hint`}>
          {settings.timeoutMs
            ? intl.formatMessage({ id: 'hoSettings.timeoutHintSpan', defaultMessage: '{span} without confirmation marks a device timed out.' }, { span: formatSpan(settings.timeoutMs) })
            : intl.formatMessage({ id: 'hoSettings.timeoutHint', defaultMessage: 'Without confirmation a device is marked timed out.' })}
        </p>
        {errorOf('timeout')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-extra`}>{intl.formatMessage({ id: 'hoSettings.extra', defaultMessage: 'Extra attributes (JSON)' })}</label>
        <textarea {...props('extra')} className="mono" rows={3} value={draft.extra} onChange={(e) => setDraft({ ...draft, extra: e.target.value })} />
        <p className="field-hint" id={`${id}-extra-hint`}>
<FormattedMessage id="hoSettings.extraHint" defaultMessage="Sent along with the server, e.g. a firmware channel. Leave empty for none." />
        </p>
        {errorOf('extra')}
      </div>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        {dirty && (
          <button type="button" className="btn" onClick={() => saved && setDraft(saved)}>
<FormattedMessage id="attributes.discard" defaultMessage="Discard changes" />
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
          {busy ? <FormattedMessage id="common.saving" defaultMessage="Saving…" /> : <FormattedMessage id="hoSettings.save" defaultMessage="Save hand-over settings" />}
        </button>
      </div>
    </form>
  );
}
