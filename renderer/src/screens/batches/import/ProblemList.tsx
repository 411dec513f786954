import { useMemo } from 'react';
import type { ImportProblem } from '../../../../../shared/import.ts';
import { Icon } from '../../../components/Icon.tsx';
import type { ParsedList } from '../../../data/import-file.ts';
import type { CellRef } from './locate.ts';
import { placeOf, sentence } from './locate.ts';

const cap = 200;

/** The station's problems by line, each with its column and, where the cell is known, a button to correct it here. */
export function ProblemList({
  problems,
  parsed,
  onFix,
  fileName,
}: {
  problems: readonly ImportProblem[];
  parsed: ParsedList;
  onFix: (cell: CellRef) => void;
  fileName: string;
}) {
  const rowByLine = useMemo(() => new Map(parsed.rows.map((r, i) => [r.line, i])), [parsed]);
  return (
    <div className="problems">
      <ol className="problem-list" aria-label={`Problems in ${fileName}`}>
        {problems.slice(0, cap).map((p, i) => {
          const place = placeOf(parsed, rowByLine, p);
          const fixable = place && place.row >= 0 && place.column >= 0;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the station's order is the identity here
            <li key={i} className="problem" data-problem-line={p.line}>
              <span className="problem-where">
                {p.line === 0 ? 'Whole file' : p.line === parsed.headerLine && parsed.format === 'csv' ? `Line ${p.line} (header)` : `${parsed.format === 'json' ? 'Device' : 'Line'} ${p.line}`}
                {p.column && <code className="problem-column">{p.column}</code>}
              </span>
              <span className="problem-message">{sentence(p.message)}</span>
              {fixable ? (
                <button type="button" className="btn btn-small" onClick={() => onFix({ row: place.row, column: place.column })}>
                  <Icon name="pencil" size={13} />
                  Correct it
                </button>
              ) : place && place.row === -1 ? (
                <span className="muted problem-hint">Map the column above</span>
              ) : null}
            </li>
          );
        })}
      </ol>
      {problems.length > cap && <p className="muted">and {(problems.length - cap).toLocaleString()} more.</p>}
      <p className="field-hint">
        Correct a value here and the station checks the file again at once, or fix it in the spreadsheet, save, and choose
        the file again.
      </p>
    </div>
  );
}
