import { defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { useId } from 'react';
import { attributeColumnPrefix, type DeviceColumn, deviceColumns, type ImportProblem } from '../../../../../shared/import.ts';
import { Icon } from '../../../components/Icon.tsx';
import { canonicalName, columnMeaning, type ParsedList, suggestField, suggestMapping } from '../../../data/import-file.ts';

const described = defineMessages({
  name: { id: 'import.column.name', defaultMessage: 'Device name (required)' },
  token: { id: 'import.column.token', defaultMessage: 'Access token' },
  clientId: { id: 'import.column.clientId', defaultMessage: 'MQTT client ID' },
  username: { id: 'import.column.username', defaultMessage: 'MQTT user name' },
  password: { id: 'import.column.password', defaultMessage: 'MQTT password' },
  certificate: { id: 'import.column.certificate', defaultMessage: 'X.509 certificate (PEM)' },
  serial: { id: 'import.column.serial', defaultMessage: 'Serial number' },
  mac: { id: 'import.column.mac', defaultMessage: 'MAC address' },
  label: { id: 'import.column.label', defaultMessage: 'Label text' },
} satisfies Record<DeviceColumn, MessageDescriptor>);

/**
 * The file's columns and what each becomes. An unknown header stops the import (the station would refuse the file),
 * so it is flagged and mapped here: to a known column or an attribute. The header line is rewritten, nothing else.
 */
export function ColumnMapping({ parsed, onRename, problems }: { parsed: ParsedList; onRename: (column: number, name: string) => void; problems: readonly ImportProblem[] }) {
  const id = useId();
  const intl = useIntl();
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
          <h2 id={`${id}-title`}><FormattedMessage id="import.columns" defaultMessage="Columns" /></h2>
          <p className="card-subtitle">
            {unknown > 0
              ? intl.formatMessage({ id: 'import.columnsUnknown', defaultMessage: '{count, plural, one {# column is not recognised: choose what it holds} other {# columns are not recognised: choose what they hold}}, or fix the header in the file.' }, { count: unknown })
              : missingName
                ? intl.formatMessage({ id: 'import.columnsNoName', defaultMessage: 'No column holds the device names: map one to “Device name”.' })
                : intl.formatMessage({ id: 'import.columnsOk', defaultMessage: 'Every column is recognised. Change one if it was read the wrong way.' })}
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
      <table className="table compact mapping-table" aria-label={intl.formatMessage({ id: 'import.columnsTable', defaultMessage: 'Columns of the file' })}>
        <thead>
          <tr>
            <th scope="col"><FormattedMessage id="import.colInFile" defaultMessage="In the file" /></th>
            <th scope="col"><FormattedMessage id="import.colAs" defaultMessage="Imported as" /></th>
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
                      aria-label={intl.formatMessage({ id: 'import.columnAs', defaultMessage: 'Import column “{header}” as' }, { header })}
                      value={current}
                      aria-invalid={meaning.kind === 'unknown' || undefined}
                      onChange={(e) => e.target.value && onRename(i, e.target.value)}
                    >
                      {meaning.kind === 'unknown' && <option value="">{intl.formatMessage({ id: 'import.notRecognised', defaultMessage: 'Not recognised: choose…' })}</option>}
                      {deviceColumns.map((c) => (
                        <option key={c} value={c} disabled={taken.has(c)}>
                          {intl.formatMessage(described[c])} ({c})
                        </option>
                      ))}
                      <option value={attr}>
                        {intl.formatMessage({ id: 'import.asAttribute', defaultMessage: 'Attribute “{key}” ({column})' }, { key: attr.slice(attributeColumnPrefix.length), column: attr })}
                      </option>
                    </select>
                    {suggestion && (
                      <button type="button" className="btn btn-small" onClick={() => onRename(i, suggestion)}>
<FormattedMessage id="import.useSuggestion" defaultMessage="Use {suggestion}" values={{ suggestion }} />
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
