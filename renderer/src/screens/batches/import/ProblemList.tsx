import { FormattedMessage, useIntl } from 'react-intl';
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
  const intl = useIntl();
  const rowByLine = useMemo(() => new Map(parsed.rows.map((r, i) => [r.line, i])), [parsed]);
  return (
    <div className="problems">
      <ol className="problem-list" aria-label={intl.formatMessage({ id: 'import.problemsIn', defaultMessage: 'Problems in {file}' }, { file: fileName })}>
        {problems.slice(0, cap).map((p, i) => {
          const place = placeOf(parsed, rowByLine, p);
          const fixable = place && place.row >= 0 && place.column >= 0;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the station's order is the identity here
            <li key={i} className="problem" data-problem-line={p.line}>
              <span className="problem-where">
                {p.line === 0
                  ? intl.formatMessage({ id: 'import.wholeFile', defaultMessage: 'Whole file' })
                  : p.line === parsed.headerLine && parsed.format === 'csv'
                    ? intl.formatMessage({ id: 'import.headerLine', defaultMessage: 'Line {line, number} (header)' }, { line: p.line })
                    : parsed.format === 'json'
                      ? intl.formatMessage({ id: 'import.deviceN', defaultMessage: 'Device {line, number}' }, { line: p.line })
                      : intl.formatMessage({ id: 'import.lineN', defaultMessage: 'Line {line, number}' }, { line: p.line })}
                {p.column && <code className="problem-column">{p.column}</code>}
              </span>
              <span className="problem-message" data-station-words>{sentence(p.message)}</span>
              {fixable ? (
                <button type="button" className="btn btn-small" onClick={() => onFix({ row: place.row, column: place.column })}>
                  <Icon name="pencil" size={13} />
<FormattedMessage id="import.correct" defaultMessage="Correct it" />
                </button>
              ) : place && place.row === -1 ? (
                <span className="muted problem-hint"><FormattedMessage id="import.mapAbove" defaultMessage="Map the column above" /></span>
              ) : null}
            </li>
          );
        })}
      </ol>
      {problems.length > cap && <p className="muted"><FormattedMessage id="import.andMore" defaultMessage="and {count, number} more." values={{ count: problems.length - cap }} /></p>}
      <p className="field-hint">
<FormattedMessage id="import.fixHint" defaultMessage="Correct a value here and the station checks the file again at once, or fix it in the spreadsheet, save, and choose the file again." />
      </p>
    </div>
  );
}
