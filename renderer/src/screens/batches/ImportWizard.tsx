import { type ChangeEvent, type DragEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { identifyDeviceListFile } from '../../../../shared/device-list-file.ts';
import type { ImportProblem, ImportReport } from '../../../../shared/import.ts';
import { useDraft } from '../../app/drafts.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { decodeFile, delimiterName, editCell, type ParsedList, parseList, renameColumn } from '../../data/import-file.ts';
import { ColumnMapping } from './import/ColumnMapping.tsx';
import { ImportPreview } from './import/ImportPreview.tsx';
import { ProblemList } from './import/ProblemList.tsx';

interface Source {
  name: string;
  size: number;
  encoding: string;
  text: string;
  /** Changed here (a column renamed, a cell corrected) since the file was read. */
  edited: boolean;
  /** Read from an Excel workbook: `text` is its first sheet as CSV, and a corrected copy is saved as CSV. */
  spreadsheet: boolean;
  /** Imported: nothing left to keep. */
  imported?: boolean;
}

// The file, its fixes and column names stay when the technician looks at another tab or screen (per batch).
const importDraft = {
  keep: (s: Source | null) => s !== null && !s.imported,
  unsaved: (s: Source | null) => s?.edited === true && !s.imported,
};

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'done'; report: ImportReport } | { state: 'failed'; error: Explained };

import type { CellRef } from './import/locate.ts';

/**
 * Import a device list into the batch: pick a file, see it as the station will read it, map unknown columns, let
 * the station check it (dry run), fix what it reports here or in the file, then import with progress.
 */
export function ImportWizard({
  batch,
  profile,
  onDone,
  onShowDevices,
  onIssueTokens,
}: {
  batch: string;
  profile: string | null;
  onDone: () => void;
  onShowDevices: () => void;
  onIssueTokens: () => void;
}) {
  const { api, hub } = useStation();
  const intl = useIntl();
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [source, setSource] = useDraft<Source | null>(`import:${batch}`, null, importDraft);
  const [readError, setReadError] = useState<Explained | null>(null);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [importing, setImporting] = useState<{ done: number; total: number | null } | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [importError, setImportError] = useState<Explained | null>(null);
  const [editing, setEditing] = useState<CellRef | null>(null);
  const [dragging, setDragging] = useState(false);

  const parsed: ParsedList | null = useMemo(() => (source ? parseList(source.text) : null), [source]);

  // The station checks every version of the text; an answer for an older version is dropped.
  const checkSeq = useRef(0);
  useEffect(() => {
    if (!source || !profile || source.imported) return;
    const seq = ++checkSeq.current;
    setCheck({ state: 'checking' });
    api['devices.import']({ profile, batch, text: source.text, dryRun: true }).then(
      (report) => {
        if (seq === checkSeq.current) setCheck({ state: 'done', report });
      },
      (err: unknown) => {
        if (seq === checkSeq.current) setCheck({ state: 'failed', error: explain(err) });
      },
    );
  }, [api, batch, profile, source]);

  useEffect(
    () =>
      hub.on('progress', (e) => {
        if (e.task === `import:${batch}`) setImporting((p) => (p ? { done: e.done, total: e.total } : p));
      }),
    [hub, batch],
  );

  const read = async (file: File) => {
    setReadError(null);
    setResult(null);
    setImportError(null);
    setEditing(null);
    const bytes = new Uint8Array(await file.arrayBuffer());
    let kind: Awaited<ReturnType<typeof identifyDeviceListFile>>;
    try {
      kind = await identifyDeviceListFile(bytes);
    } catch (err) {
      // A file that starts like a workbook but does not open as one (damaged, or password-protected).
      setSource(null);
      setReadError({
        message: intl.formatMessage(
          { id: 'import.file.unreadableWorkbook', defaultMessage: '“{file}” looks like an Excel workbook but cannot be opened: {reason}' },
          { file: file.name, reason: (err as Error).message },
        ),
        next: intl.formatMessage({
          id: 'import.file.unreadableWorkbookNext',
          defaultMessage: 'Open it in the spreadsheet, save it again as .xlsx (without a password) or as CSV UTF-8, and choose it again.',
        }),
        code: 'bad_request',
      });
      return;
    }
    if (kind.kind === 'wrong') {
      setSource(null);
      setReadError({
        message: intl.formatMessage(
          {
            id: 'import.file.wrongType',
            defaultMessage:
              '“{file}” is {category, select, image {a {type} image} document {a {type} document} archive {a {type} archive} audio {a {type} audio file} video {a {type} video} oldExcel {an Excel 97–2003 workbook (.xls)} other {a {type} file}}, not a device list.',
          },
          { file: file.name, category: kind.category, type: kind.ext.toUpperCase() },
        ),
        next: intl.formatMessage(
          {
            id: 'import.file.wrongTypeNext',
            defaultMessage:
              '{category, select, oldExcel {Save it as an Excel workbook (.xlsx) or as CSV UTF-8, then choose it again.} other {Choose the device list itself: a CSV, JSON or Excel (.xlsx) file.}}',
          },
          { category: kind.category },
        ),
        code: 'bad_request',
      });
      return;
    }
    if (kind.kind === 'spreadsheet') {
      const encoding = intl.formatMessage({ id: 'import.file.sheet', defaultMessage: 'Excel workbook, sheet “{sheet}”' }, { sheet: kind.sheet });
      setSource({ name: file.name, size: file.size, encoding, text: kind.text, edited: false, spreadsheet: true });
      announce(intl.formatMessage({ id: 'import.read', defaultMessage: 'Read {file}; checking it' }, { file: file.name }));
      return;
    }
    const decoded = decodeFile(bytes);
    if (!decoded.ok) {
      setSource(null);
      setReadError({
        message: intl.formatMessage({ id: 'import.file.notText', defaultMessage: '“{file}”: {reason}' }, { file: file.name, reason: decoded.message }),
        next: null,
        code: 'bad_request',
      });
      return;
    }
    setSource({ name: file.name, size: file.size, encoding: decoded.encoding, text: decoded.text, edited: false, spreadsheet: false });
    announce(intl.formatMessage({ id: 'import.read', defaultMessage: 'Read {file}; checking it' }, { file: file.name }));
  };
  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    // Cleared so that choosing the same (fixed) file again fires a change.
    e.target.value = '';
    if (file) void read(file);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void read(file);
  };

  const rewrite = (text: string) => setSource((s) => (s ? { ...s, text, edited: true } : s));
  const rename = (column: number, name: string) => {
    if (source && parsed) rewrite(renameColumn(source.text, parsed, column, name));
  };
  const saveCell = (cell: CellRef, value: string) => {
    if (source && parsed) rewrite(editCell(source.text, parsed, cell.row, cell.column, value));
    setEditing(null);
  };

  const report = check.state === 'done' ? check.report : null;
  const problems: ImportProblem[] = report?.problems ?? [];
  const ready = report !== null && problems.length === 0 && report.rows > 0 && !importing;

  const runImport = async () => {
    if (!source || !profile) return;
    setImporting({ done: 0, total: report?.rows ?? null });
    setImportError(null);
    try {
      const final = await api['devices.import']({ profile, batch, text: source.text, dryRun: false, fileName: source.name });
      if (final.problems.length > 0) {
        setCheck({ state: 'done', report: final });
      } else {
        setResult(final);
        setSource((s) => s && { ...s, edited: false, imported: true });
        announce(
          intl.formatMessage(
            { id: 'import.announceDone', defaultMessage: 'Imported: {created, number} created, {updated, number} updated, {unchanged, number} unchanged' },
            { created: final.created, updated: final.updated, unchanged: final.unchanged },
          ),
        );
        onDone();
      }
    } catch (err) {
      setImportError(explain(err));
    } finally {
      setImporting(null);
    }
  };

  const downloadEdited = () => {
    if (!source) return;
    const blob = new Blob([source.text], { type: parsed?.format === 'json' ? 'application/json' : 'text/csv;charset=utf-8' });
    // A workbook's corrections are its first sheet as CSV: saved as such, beside the workbook it came from.
    downloadBlob(source.spreadsheet ? source.name.replace(/(\.\w+)?$/, '-fixed.csv') : source.name.replace(/(\.\w+)?$/, '-fixed$1'), blob);
  };

  if (!profile) {
    return (
      <div className="card">
        <p>
<FormattedMessage id="import.noProfile" defaultMessage="This batch has no profile, so the station would not know how its devices provision. Create the batch again with a profile, then import the list into it." />
        </p>
      </div>
    );
  }

  if (result) {
    return (
      <section className="card import-result" aria-labelledby={`${id}-done`}>
        <h2 id={`${id}-done`}>
          <Icon name="check" size={18} />
<FormattedMessage id="import.doneTitle" defaultMessage="Imported {file}" values={{ file: source?.name ?? '' }} />
        </h2>
        <ul className="result-counts" aria-label={intl.formatMessage({ id: 'import.result', defaultMessage: 'Import result' })}>
          <li>
            <FormattedMessage id="import.created" defaultMessage="<strong>{count, number}</strong> created" values={{ count: result.created, strong: (text) => (<strong className="num" data-import-created>{text}</strong>) }} />
          </li>
          <li>
            <FormattedMessage id="import.updated" defaultMessage="<strong>{count, number}</strong> updated" values={{ count: result.updated, strong: (text) => <strong className="num">{text}</strong> }} />
          </li>
          <li>
            <FormattedMessage id="import.unchanged" defaultMessage="<strong>{count, number}</strong> unchanged" values={{ count: result.unchanged, strong: (text) => <strong className="num">{text}</strong> }} />
          </li>
        </ul>
        <p className="muted">
<FormattedMessage id="import.idempotent" defaultMessage="Importing the same file again changes nothing; a file with changed rows updates those devices only." />
        </p>
        <div className="form-actions start">
          <button type="button" className="btn btn-primary" onClick={onIssueTokens}>
            <Icon name="ticket" />
            <FormattedMessage id="import.issueNext" defaultMessage="Issue tokens next" />
          </button>
          <button type="button" className="btn" onClick={onShowDevices}>
<FormattedMessage id="import.showDevices" defaultMessage="Show the devices" />
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setResult(null);
              setSource(null);
              setCheck({ state: 'idle' });
            }}
          >
<FormattedMessage id="import.another" defaultMessage="Import another file" />
          </button>
        </div>
      </section>
    );
  }

  return (
    <div className="import-wizard">
      <ol className="steps" aria-label={intl.formatMessage({ id: 'import.steps', defaultMessage: 'Import steps' })}>
        <li aria-current={!source ? 'step' : undefined} className={source ? 'is-done' : ''}>
          <FormattedMessage id="import.step.choose" defaultMessage="Choose the file" />
        </li>
        <li aria-current={source && !ready ? 'step' : undefined} className={ready ? 'is-done' : ''}>
          <FormattedMessage id="import.step.check" defaultMessage="Check and fix" />
        </li>
        <li aria-current={ready ? 'step' : undefined}><FormattedMessage id="import.step.import" defaultMessage="Import" /></li>
      </ol>

      <section
        className={`card drop-zone${dragging ? ' is-dragging' : ''}`}
        aria-labelledby={`${id}-pick`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <div className="card-header">
          <div>
            <h2 id={`${id}-pick`}><FormattedMessage id="import.listTitle" defaultMessage="Device list" /></h2>
            <p className="card-subtitle">
              <FormattedMessage
                id="import.help.formats"
                defaultMessage="CSV (comma, semicolon or tab), JSON or an Excel workbook (.xlsx, its first sheet), with a <code>name</code> column. Known columns: name, token, clientId, username, password, certificate, serial, mac, label; any other column becomes an attribute under its own name (or write it as <code>attr:key</code>)."
                values={{ code: (chunks) => <code>{chunks}</code> }}
              />
            </p>
          </div>
          <div className="pick">
            <input
              ref={fileInput}
              id={`${id}-file`}
              type="file"
              accept=".csv,.tsv,.txt,.json,.xlsx,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              className="visually-hidden"
              onChange={onPick}
              aria-label={intl.formatMessage({ id: 'import.file', defaultMessage: 'Device list file' })}
              // The button beside it opens the picker; a second, invisible tab stop would lose keyboard users.
              tabIndex={-1}
            />
            <button type="button" className={source ? 'btn' : 'btn btn-primary'} onClick={() => fileInput.current?.click()}>
              <Icon name="upload" />
              {source ? <FormattedMessage id="import.chooseAnother" defaultMessage="Choose another file…" /> : <FormattedMessage id="import.choose" defaultMessage="Choose file…" />}
            </button>
          </div>
        </div>
        {source && parsed && (
          <p className="file-facts" data-file-name={source.name}>
            <strong>{source.name}</strong> · <FormattedMessage id="import.rows" defaultMessage="{count, plural, one {# row} other {# rows}}" values={{ count: parsed.rows.length }} /> ·{' '}
            {parsed.format === 'json' ? 'JSON' : intl.formatMessage({ id: 'import.csvKind', defaultMessage: 'CSV, {delimiter}-separated' }, { delimiter: delimiterName(parsed.delimiter ?? ',') })} · {source.encoding}
            {source.edited && (
              <>
                {' '}
                · <span className="badge badge-warning"><FormattedMessage id="import.changedHere" defaultMessage="changed here" /></span>{' '}
                <button type="button" className="btn btn-small btn-ghost" onClick={downloadEdited}>
                  <Icon name="download" size={14} />
<FormattedMessage id="import.saveFixed" defaultMessage="Save the corrected file" />
                </button>
              </>
            )}
          </p>
        )}
        {!source && !readError && <p className="drop-hint muted"><FormattedMessage id="import.drop" defaultMessage="…or drop the file here." /></p>}
        {readError && <ErrorNotice error={readError} />}
      </section>

      {source && parsed && (
        <>
          {parsed.error && (
            <ErrorNotice
              error={{
                message: intl.formatMessage({ id: 'import.lineError', defaultMessage: 'Line {line}: {message}' }, { line: parsed.error.line, message: parsed.error.message }),
                next: intl.formatMessage({ id: 'import.lineErrorNext', defaultMessage: 'Fix it in the spreadsheet or text editor, save, and choose the file again.' }),
                code: 'bad_request',
              }}
            />
          )}
          <ColumnMapping parsed={parsed} onRename={rename} problems={problems} />
          <section className="card" aria-labelledby={`${id}-check`}>
            <div className="card-header">
              <h2 id={`${id}-check`}><FormattedMessage id="import.check" defaultMessage="Check" /></h2>
              <CheckStatus check={check} />
            </div>
            {check.state === 'failed' && <ErrorNotice error={check.error} />}
            {problems.length > 0 && (
              <ProblemList
                problems={problems}
                parsed={parsed}
                onFix={(cell) => setEditing(cell)}
                fileName={source.name}
              />
            )}
            <ImportPreview
              parsed={parsed}
              problems={problems}
              editing={editing}
              onEdit={setEditing}
              onSave={saveCell}
              fileName={source.name}
            />
          </section>
          <div className="import-footer">
            {importing && (
              <div className="import-progress">
                <progress
                  className="load-progress"
                  aria-label={intl.formatMessage({ id: 'import.importing', defaultMessage: 'Importing devices' })}
                  max={Math.max(importing.total ?? 1, 1)}
                  value={importing.total ? importing.done : undefined}
                />
                <span className="muted num">
                  {importing.total
                    ? intl.formatMessage({ id: 'import.progress', defaultMessage: '{done, number} of {total, number}' }, { done: importing.done, total: importing.total })
                    : intl.formatMessage({ id: 'import.busy', defaultMessage: 'Importing…' })}
                </span>
              </div>
            )}
            {importError && <ErrorNotice error={importError} onRetry={() => void runImport()} />}
            <button type="button" className="btn btn-primary btn-large" disabled={!ready} onClick={() => void runImport()}>
              <Icon name="upload" />
              {importing
                ? intl.formatMessage({ id: 'import.busy', defaultMessage: 'Importing…' })
                : ready
                  ? intl.formatMessage({ id: 'import.submit', defaultMessage: 'Import {count, plural, one {# device} other {# devices}}' }, { count: report.rows })
                  : problems.length > 0
                    ? intl.formatMessage({ id: 'import.submitBlocked', defaultMessage: 'Import (fix the problems first)' })
                    : intl.formatMessage({ id: 'import.step.import', defaultMessage: 'Import' })}
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function CheckStatus({ check }: { check: Check }) {
  if (check.state === 'checking') {
    return (
      <output className="check-status" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> <FormattedMessage id="import.checking" defaultMessage="The station is checking the file…" />
      </output>
    );
  }
  if (check.state !== 'done') return null;
  const { report } = check;
  if (report.problems.length > 0) {
    return (
      <output className="check-status is-bad" data-check="problems">
        <Icon name="alert" />
<FormattedMessage id="import.problems" defaultMessage="{count, plural, one {# problem} other {# problems}} to fix; nothing is imported until the whole file is right" values={{ count: report.problems.length }} />
      </output>
    );
  }
  if (report.rows === 0) return <output className="check-status is-bad"><FormattedMessage id="import.noRows" defaultMessage="The file has no device rows." /></output>;
  return (
    <output className="check-status is-good" data-check="ok">
      <Icon name="check" />
<FormattedMessage id="import.allFine" defaultMessage="All {rows, number} rows are fine: {created, number} new, {updated, number} to update, {unchanged, number} unchanged" values={{ rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged }} />
    </output>
  );
}
