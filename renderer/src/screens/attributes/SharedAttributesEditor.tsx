import { defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { AttributeLevel } from '../../../../shared/attributes.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useLiveQuery } from '../../data/use-live-query.ts';
import { type AttributeRow, changesOf, keyProblems, newRow, rowsOf, valueKind } from './attribute-rows.ts';

const levelWords = defineMessages({
  profile: { id: 'attributes.sentTo.profile', defaultMessage: 'Sent to every device of this profile. A value is read as JSON when it parses (numbers, true/false, objects), else as text.' },
  batch: { id: 'attributes.sentTo.batch', defaultMessage: 'Sent to every device of this batch (its values beat the profile’s). A value is read as JSON when it parses (numbers, true/false, objects), else as text.' },
  device: { id: 'attributes.sentTo.device', defaultMessage: 'Sent to this device only (its values beat its batch’s and profile’s). A value is read as JSON when it parses (numbers, true/false, objects), else as text.' },
} satisfies Record<AttributeLevel, MessageDescriptor>);

/**
 * The shared attributes authored at one level (a profile, a batch or one device): add, change and remove them, then
 * save; devices receive the merged values (device beats batch beats profile). Re-read when anyone changes attributes.
 */
export function SharedAttributesEditor({
  level,
  name,
  title: titleProp,
  headingLevel = 2,
}: {
  level: AttributeLevel;
  name: string;
  title?: string;
  /** Where it sits in the page's outline: a card on a screen (2), a part of the drawer's Attributes section (4). */
  headingLevel?: 2 | 3 | 4;
}) {
  const Heading = `h${headingLevel}` as const;
  const intl = useIntl();
  const title = titleProp ?? intl.formatMessage({ id: 'attributes.shared', defaultMessage: 'Shared attributes' });
  const { api, hub } = useStation();
  const id = useId();
  const [authored, query] = useLiveQuery(
    () => api['attributes.authored']({ level, name }).then((a) => a.values),
    (schedule) =>
      hub.on('changed', (e) => {
        if (e.entity === 'attributes') schedule();
      }),
    `${level}/${name}`,
  );
  const [baseline, setBaseline] = useState<Record<string, unknown>>({});
  const [rows, setRows] = useState<AttributeRow[]>([]);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const keyInputs = useRef(new Map<number, HTMLInputElement>());
  const addButton = useRef<HTMLButtonElement>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);

  const changes = changesOf(baseline, rows);
  const dirty = Object.keys(changes).length > 0 || rows.some((r) => r.key.trim() === '');
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  // What the station holds replaces the rows unless the technician is editing them.
  useEffect(() => {
    if (!authored.value || dirtyRef.current) return;
    setBaseline(authored.value);
    setRows(rowsOf(authored.value));
  }, [authored.value]);

  useEffect(() => {
    if (focusRow === null) return;
    keyInputs.current.get(focusRow)?.focus();
    setFocusRow(null);
  }, [focusRow]);

  const problems = keyProblems(rows);
  const changedElsewhere = dirty && authored.value !== null && JSON.stringify(authored.value) !== JSON.stringify(baseline);

  const update = (rowId: number, patch: Partial<AttributeRow>) => setRows((rs) => rs.map((r) => (r.id === rowId ? { ...r, ...patch } : r)));
  const add = () => {
    const row = newRow();
    setRows((rs) => [...rs, row]);
    setFocusRow(row.id);
  };
  const remove = (index: number) => {
    const next = rows.filter((_, i) => i !== index);
    setRows(next);
    // Focus stays in the list: the row that took its place, the one before, or the add button.
    const neighbour = next[index] ?? next[index - 1];
    if (neighbour) setFocusRow(neighbour.id);
    else addButton.current?.focus();
  };
  const discard = () => {
    setChecked(false);
    setError(null);
    const values = authored.value ?? baseline;
    setBaseline(values);
    setRows(rowsOf(values));
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (problems.size > 0) {
      keyInputs.current.get([...problems.keys()][0]!)?.focus();
      return;
    }
    if (Object.keys(changes).length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api['attributes.set']({ level, name, values: changes });
      setBaseline(result.values);
      setRows(rowsOf(result.values));
      setChecked(false);
      announce(
        intl.formatMessage({ id: 'attributes.saved', defaultMessage: 'Saved shared attributes of {name}; {count, plural, one {# device receives} other {# devices receive}} new values' }, { name, count: result.devicesChanged }),
      );
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card attributes-editor" onSubmit={save} noValidate aria-labelledby={`${id}-title`} data-attributes-level={level}>
      <div className="card-header">
        <div>
          <Heading id={`${id}-title`} className="card-title">
            {title}
          </Heading>
          <p className="card-subtitle">
            {intl.formatMessage(levelWords[level])}
          </p>
        </div>
        {dirty && <span className="badge badge-warning"><FormattedMessage id="attributes.unsaved" defaultMessage="Unsaved changes" /></span>}
      </div>
      {authored.error && <ErrorNotice error={authored.error} onRetry={() => void query.load()} />}
      {authored.phase === 'loading' && !authored.value && (
        <p className="muted" aria-busy="true">
          <FormattedMessage id="common.loading" defaultMessage="Loading…" />
        </p>
      )}
      {authored.value && rows.length === 0 && <p className="muted"><FormattedMessage id="attributes.none" defaultMessage="No shared attributes at this level yet." /></p>}
      {rows.length > 0 && (
        <ul className="attribute-rows" aria-label={title}>
          {rows.map((row, index) => {
            const problem = checked ? problems.get(row.id) : undefined;
            const label = row.key.trim() || intl.formatMessage({ id: 'attributes.rowN', defaultMessage: 'row {n, number}' }, { n: index + 1 });
            return (
              <li key={row.id} className="attribute-row" data-attribute={row.key}>
                <div className="field">
                  <label htmlFor={`${id}-k${row.id}`}>{intl.formatMessage({ id: 'attributes.name', defaultMessage: 'Name' })}</label>
                  <input
                    id={`${id}-k${row.id}`}
                    ref={(el) => {
                      if (el) keyInputs.current.set(row.id, el);
                      else keyInputs.current.delete(row.id);
                    }}
                    value={row.key}
                    onChange={(e) => update(row.id, { key: e.target.value })}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? `${id}-e${row.id}` : undefined}
                    autoComplete="off"
                    spellCheck={false}
                  />
                  {problem && (
                    <p className="field-error" id={`${id}-e${row.id}`}>
                      <Icon name="alert" size={14} />
                      {problem}
                    </p>
                  )}
                </div>
                <div className="field">
                  <label htmlFor={`${id}-v${row.id}`}>{intl.formatMessage({ id: 'attributes.value', defaultMessage: 'Value' })}</label>
                  <input
                    id={`${id}-v${row.id}`}
                    className="mono"
                    value={row.text}
                    onChange={(e) => update(row.id, { text: e.target.value })}
                    aria-describedby={`${id}-t${row.id}`}
                    autoComplete="off"
                    spellCheck={false}
                  />
                  <p className="field-hint" id={`${id}-t${row.id}`}>
                    {valueKind(row.text)}
                  </p>
                </div>
                <button type="button" className="btn btn-icon btn-ghost" onClick={() => remove(index)} aria-label={intl.formatMessage({ id: 'attributes.remove', defaultMessage: 'Remove {label}' }, { label })}>
                  <Icon name="trash" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {changedElsewhere && (
        <p className="notice" role="status">
<FormattedMessage id="attributes.changedElsewhere" defaultMessage="Someone else changed these attributes while you were editing. Save to keep yours, or discard to see theirs." />
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn push-start" onClick={add} ref={addButton}>
          <Icon name="plus" />
          <FormattedMessage id="attributes.add" defaultMessage="Add attribute" />
        </button>
        {dirty && (
          <button type="button" className="btn" onClick={discard}>
<FormattedMessage id="attributes.discard" defaultMessage="Discard changes" />
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
          {busy ? <FormattedMessage id="common.saving" defaultMessage="Saving…" /> : <FormattedMessage id="attributes.save" defaultMessage="Save attributes" />}
        </button>
      </div>
    </form>
  );
}
