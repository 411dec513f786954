import { useId } from 'react';
import { attributeColumnPrefix, type DeviceColumn, deviceColumns, type ImportProblem } from '../../../../../shared/import.ts';
import { Icon } from '../../../components/Icon.tsx';
import { FormattedMessage } from 'react-intl';
import { canonicalName, columnMeaning, type ParsedList, suggestField, suggestMapping } from '../../../data/import-file.ts';

const described: Record<DeviceColumn, string> = {
  name: 'Device name (required)',
  token: 'Access token',
  clientId: 'MQTT client ID',
  username: 'MQTT user name',
  password: 'MQTT password',
  certificate: 'X.509 certificate (PEM)',
  serial: 'Serial number',
  mac: 'MAC address',
  label: 'Label text',
};

/**
 * The file's columns and what each becomes. An unknown header stops the import (the station would refuse the file),
 * so it is flagged and mapped here: to a known column or an attribute. The header line is rewritten, nothing else.
 */
export function ColumnMapping({ parsed, onRename, problems }: { parsed: ParsedList; onRename: (column: number, name: string) => void; problems: readonly ImportProblem[] }) {
  const id = useId();
  const names = parsed.headers.map(canonicalName);
  const unknown = parsed.headers.filter((h) => columnMeaning(h).kind === 'unknown').length;
  const implicit = parsed.headers.filter((h) => {
    const m = columnMeaning(h);
    return m.kind === 'attribute' && m.implicit;
  }).length;
  const missingName = parsed.headers.length > 0 && !names.includes('name');
  if (parsed.headers.length === 0) return null;
  const headerProblem = (i: number) =>
    problems.find((p) => (parsed.format === 'json' || p.line === parsed.headerLine) && p.column !== null && (p.column === names[i] || p.column === parsed.headers[i]!.trim()));

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <div>
          <h2 id={`${id}-title`}>Columns</h2>
          <p className="card-subtitle">
            {unknown > 0
              ? `${unknown} ${unknown === 1 ? 'column is' : 'columns are'} not recognised: choose what ${unknown === 1 ? 'it holds' : 'they hold'}, or fix the header in the file.`
              : missingName
                ? 'No column holds the device names: map one to “Device name”.'
                : 'Every column is recognised. Change one if it was read the wrong way.'}
          </p>
          {implicit > 0 && (
            <p className="card-subtitle" data-implicit-attributes={implicit}>
              <FormattedMessage
                id="import.columns.implicitAttributes"
                defaultMessage="{count, plural, one {# column has} other {# columns have}} a name the station does not know: imported as attributes under those names. Choose another meaning where that is wrong."
                values={{ count: implicit }}
              />
            </p>
          )}
        </div>
      </div>
      <table className="table compact mapping-table" aria-label="Columns of the file">
        <thead>
          <tr>
            <th scope="col">In the file</th>
            <th scope="col">Imported as</th>
          </tr>
        </thead>
        <tbody>
          {parsed.headers.map((header, i) => {
            const meaning = columnMeaning(header);
            if (meaning.kind === 'blank') return null;
            const current = meaning.kind === 'unknown' ? '' : names[i]!;
            const taken = new Set(names.filter((_, j) => j !== i));
            const attr = meaning.kind === 'attribute' ? names[i]! : attributeColumnPrefix + header.trim();
            const problem = headerProblem(i);
            const suggestion =
              meaning.kind === 'unknown' ? suggestMapping(header, taken) : meaning.kind === 'attribute' && meaning.implicit ? suggestField(header, taken) : null;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; two may share a header
              <tr key={i} className={meaning.kind === 'unknown' || problem ? 'is-problem' : ''} data-column={header}>
                <th scope="row">
                  <code>{header}</code>
                </th>
                <td>
                  <div className="mapping-cell">
                    <select
                      aria-label={`Import column “${header}” as`}
                      value={current}
                      aria-invalid={meaning.kind === 'unknown' || undefined}
                      onChange={(e) => e.target.value && onRename(i, e.target.value)}
                    >
                      {meaning.kind === 'unknown' && <option value="">Not recognised: choose…</option>}
                      {deviceColumns.map((c) => (
                        <option key={c} value={c} disabled={taken.has(c)}>
                          {described[c]} ({c})
                        </option>
                      ))}
                      <option value={attr}>Attribute “{attr.slice(attributeColumnPrefix.length)}” ({attr})</option>
                    </select>
                    {suggestion && (
                      <button type="button" className="btn btn-small" onClick={() => onRename(i, suggestion)}>
                        Use {suggestion}
                      </button>
                    )}
                  </div>
                  {problem && meaning.kind !== 'unknown' && (
                    <p className="field-error">
                      <Icon name="alert" size={14} />
                      {problem.message}
                    </p>
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
