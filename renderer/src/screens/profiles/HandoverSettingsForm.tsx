import { type FormEvent, useEffect, useId, useState } from 'react';
import { durationText, formatDuration, parseDuration } from '../../../../shared/durations.ts';
import type { HandoverSettings } from '../../../../shared/handover.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';

type NameField = keyof HandoverSettings['attributes'];
const nameFields: { field: NameField; label: string; hint: string }[] = [
  { field: 'host', label: 'Host attribute', hint: 'the cloud’s host name or address' },
  { field: 'mqttPort', label: 'MQTT port attribute', hint: 'the cloud’s MQTT port' },
  { field: 'httpPort', label: 'HTTP port attribute', hint: 'the cloud’s HTTP port' },
  { field: 'coapPort', label: 'CoAP port attribute', hint: 'the cloud’s CoAP port' },
  { field: 'tls', label: 'TLS attribute', hint: 'true when the device must use TLS' },
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
function read(d: Draft): { settings: HandoverSettings; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  for (const { field } of nameFields) if (!d.attributes[field].trim()) problems[field] = 'Give the attribute a name.';
  if (!d.confirmKey.trim()) problems.confirmKey = 'Give the confirmation attribute a name.';
  const timeout = parseDuration(d.timeout);
  if (!timeout.ok) problems.timeout = 'Write a duration like 12h, 1d or 90m.';
  else if (timeout.ms < 1000 || timeout.ms > 30 * 86_400_000) problems.timeout = 'Between 1 second and 30 days.';
  let extra: Record<string, unknown> = {};
  if (d.extra.trim()) {
    try {
      const parsed: unknown = JSON.parse(d.extra);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) problems.extra = 'Write a JSON object, like {"fwChannel": "stable"}.';
      else extra = parsed as Record<string, unknown>;
    } catch {
      problems.extra = 'This is not valid JSON. Write an object, like {"fwChannel": "stable"}.';
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
          Hand-over
        </h2>
        {error ? <ErrorNotice error={error} onRetry={() => void load()} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  const { settings, problems } = read(draft);
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
      announce(`Saved hand-over settings of ${profile}`);
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
            Hand-over
          </h2>
          <p className="card-subtitle">How this profile’s firmware is told its long-term server, and how it confirms.</p>
        </div>
        {dirty && <span className="badge badge-warning">Unsaved changes</span>}
      </div>
      <fieldset className="handover-names">
        <legend>Shared attribute names</legend>
        {nameFields.map(({ field, label, hint }) => (
          <div className="field" key={field}>
            <label htmlFor={`${id}-${field}`}>{label}</label>
            <input {...props(field)} value={draft.attributes[field]} onChange={(e) => setDraft({ ...draft, attributes: { ...draft.attributes, [field]: e.target.value } })} />
            <p className="field-hint" id={`${id}-${field}-hint`}>
              {hint}
            </p>
            {errorOf(field)}
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-confirmKey`}>Confirmation attribute</label>
        <input {...props('confirmKey')} value={draft.confirmKey} onChange={(e) => setDraft({ ...draft, confirmKey: e.target.value })} />
        <p className="field-hint" id={`${id}-confirmKey-hint`}>
          The client attribute a device reports to confirm; any value but false, 0, null or empty text counts.
        </p>
        {errorOf('confirmKey')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-timeout`}>Give up after</label>
        <input {...props('timeout')} value={draft.timeout} onChange={(e) => setDraft({ ...draft, timeout: e.target.value })} />
        <p className="field-hint" id={`${id}-timeout-hint`}>
          {settings.timeoutMs ? `${formatDuration(settings.timeoutMs)} without confirmation` : 'Without confirmation'} marks a device timed out.
        </p>
        {errorOf('timeout')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-extra`}>Extra attributes (JSON)</label>
        <textarea {...props('extra')} className="mono" rows={3} value={draft.extra} onChange={(e) => setDraft({ ...draft, extra: e.target.value })} />
        <p className="field-hint" id={`${id}-extra-hint`}>
          Sent along with the server, e.g. a firmware channel. Leave empty for none.
        </p>
        {errorOf('extra')}
      </div>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        {dirty && (
          <button type="button" className="btn" onClick={() => saved && setDraft(saved)}>
            Discard changes
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save hand-over settings'}
        </button>
      </div>
    </form>
  );
}
