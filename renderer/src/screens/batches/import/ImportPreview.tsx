import { FormattedMessage, useIntl } from 'react-intl';
import { Fragment, useEffect, useMemo, useRef } from 'react';
import type { ImportProblem } from '../../../../../shared/import.ts';
import { canonicalName, type ParsedList } from '../../../data/import-file.ts';
import type { CellRef } from './locate.ts';
import { placeOf, secretColumns, sentence } from './locate.ts';

const headRows = 12;
const maxProblemRows = 200;

/**
 * The file as the station reads it: line numbers, the detected columns, the first rows and every row with a
 * problem, the bad cell marked. A marked cell opens for editing in place; Enter saves and the station checks again.
 */
export function ImportPreview({
  parsed,
  problems,
  editing,
  onEdit,
  onSave,
  fileName,
}: {
  parsed: ParsedList;
  problems: readonly ImportProblem[];
  editing: CellRef | null;
  onEdit: (cell: CellRef | null) => void;
  onSave: (cell: CellRef, value: string) => void;
  fileName: string;
}) {
  const intl = useIntl();
  const rowByLine = useMemo(() => new Map(parsed.rows.map((r, i) => [r.line, i])), [parsed]);
  const { cellProblems, rowProblems, headerProblems } = useMemo(() => {
    const cells = new Map<string, string[]>();
    const rowsWith = new Map<number, string[]>();
    const header = new Map<number, string[]>();
    for (const p of problems) {
      const place = placeOf(parsed, rowByLine, p);
      if (!place) continue;
      const text = sentence(p.message);
      if (place.row === -1) {
        if (place.column >= 0) header.set(place.column, [...(header.get(place.column) ?? []), text]);
      } else if (place.column === -1) rowsWith.set(place.row, [...(rowsWith.get(place.row) ?? []), text]);
      else {
        const key = `${place.row}:${place.column}`;
        cells.set(key, [...(cells.get(key) ?? []), text]);
      }
    }
    return { cellProblems: cells, rowProblems: rowsWith, headerProblems: header };
  }, [problems, parsed, rowByLine]);

  // The first rows, then each row with a problem (and the row being edited), in file order.
  const shown = useMemo(() => {
    const set = new Set<number>();
    for (let i = 0; i < Math.min(headRows, parsed.rows.length); i++) set.add(i);
    let extra = 0;
    for (const key of [...cellProblems.keys(), ...rowProblems.keys()]) {
      const row = typeof key === 'number' ? key : Number(key.split(':')[0]);
      if (!set.has(row) && extra++ < maxProblemRows) set.add(row);
    }
    if (editing) set.add(editing.row);
    return [...set].sort((a, b) => a - b);
  }, [parsed, cellProblems, rowProblems, editing]);

  const width = Math.max(parsed.headers.length, ...shown.map((r) => parsed.rows[r]!.cells.length));
  const hidden = parsed.rows.length - shown.length;

  return (
    <div className="preview-wrap">
      <table className="table compact preview-table" aria-label={intl.formatMessage({ id: 'import.preview', defaultMessage: 'Preview of {file}' }, { file: fileName })}>
        <thead>
          <tr>
            <th scope="col" className="line-col">
              <FormattedMessage id="import.colLine" defaultMessage="Line" />
            </th>
            {Array.from({ length: width }, (_, c) => {
              const header = parsed.headers[c] ?? '';
              const bad = headerProblems.get(c);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                <th key={c} scope="col" className={bad ? 'cell-problem' : ''} title={bad?.join(' ')}>
                  {header || <span className="muted"><FormattedMessage id="import.noHeader" defaultMessage="(no header)" /></span>}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, k) => {
            const row = parsed.rows[r]!;
            const gap = k > 0 && shown[k - 1]! < r - 1;
            const rowBad = rowProblems.get(r);
            return (
              <Fragment key={row.line}>
                {gap && (
                  <tr className="gap-row">
                    <td colSpan={width + 1}>
                      ⋯<span className="visually-hidden"> <FormattedMessage id="import.gap" defaultMessage="rows without problems not shown" /></span>
                    </td>
                  </tr>
                )}
                <tr className={rowBad ? 'row-problem' : ''} data-line={row.line}>
                  <th scope="row" className="line-col num" title={rowBad?.join(' ')}>
                    {row.line}
                  </th>
                  {Array.from({ length: width }, (_, c) => {
                    const value = row.cells[c] ?? '';
                    const bad = cellProblems.get(`${r}:${c}`);
                    const header = parsed.headers[c] ?? intl.formatMessage({ id: 'import.columnN', defaultMessage: 'column {n, number}' }, { n: c + 1 });
                    const secret = secretColumns.has(canonicalName(header)) && value !== '';
                    if (editing && editing.row === r && editing.column === c) {
                      return (
                        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                        <td key={c} className="cell-editing">
                          <CellEditor
                            label={intl.formatMessage({ id: 'import.newValue', defaultMessage: 'New {column} for line {line, number}' }, { column: header, line: row.line })}
                            initial={value}
                            onSave={(v) => onSave({ row: r, column: c }, v)}
                            onCancel={() => onEdit(null)}
                          />
                        </td>
                      );
                    }
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                      <td key={c} className={bad ? 'cell-problem' : ''} data-problem={bad ? 'true' : undefined}>
                        {bad ? (
                          <button
                            type="button"
                            className="cell-button"
                            title={`${bad.join(' ')} ${intl.formatMessage({ id: 'import.clickToCorrect', defaultMessage: 'Click to correct it.' })}`}
                            onClick={() => onEdit({ row: r, column: c })}
                            aria-label={`${intl.formatMessage({ id: 'import.correctCell', defaultMessage: 'Correct {column} on line {line, number}: {value}.' }, { column: header, line: row.line, value: value || intl.formatMessage({ id: 'import.emptyValue', defaultMessage: 'empty' }) })} ${bad.join(' ')}`}
                          >
                            {secret ? '••••••' : value || <span className="muted"><FormattedMessage id="import.empty" defaultMessage="(empty)" /></span>}
                          </button>
                        ) : secret ? (
                          '••••••'
                        ) : (
                          value
                        )}
                      </td>
                    );
                  })}
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <p className="muted preview-note">
        {hidden > 0
          ? intl.formatMessage({ id: 'import.hidden', defaultMessage: 'Showing the first rows and every row with a problem; {count, plural, one {# more row looks} other {# more rows look}} like these.' }, { count: hidden })
          : intl.formatMessage({ id: 'import.allShown', defaultMessage: 'Every row of the file is shown.' })}
      </p>
    </div>
  );
}

function CellEditor({ label, initial, onSave, onCancel }: { label: string; initial: string; onSave: (v: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  return (
    <form
      className="cell-editor"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(ref.current?.value ?? '');
      }}
    >
      <input
        ref={ref}
        defaultValue={initial}
        aria-label={label}
        spellCheck={false}
        autoComplete="off"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <button type="submit" className="btn btn-small btn-primary">
        <FormattedMessage id="common.save" defaultMessage="Save" />
      </button>
    </form>
  );
}
