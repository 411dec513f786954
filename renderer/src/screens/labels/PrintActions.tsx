import { useEffect, useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { SystemPrinter } from '../../../../shared/desktop-bridge.ts';
import { desktopBridge } from '../../app/desktop.ts';
import { ApiError, ApiReply } from '../../../../shared/errors.ts';
import type { LabelCheckResult, LabelTemplateInfo } from '../../../../shared/labels.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { CONFIRM_ABOVE, ConfirmPrintDialog } from './ConfirmPrintDialog.tsx';
import { type LabelChoices, jobOf, jobQuery, maxUrlLength } from './job.ts';


function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (exact) {
    try {
      return decodeURIComponent(exact);
    } catch {
      // fall through to the ASCII name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}

/** Fetches a label file and saves it; a refusal comes back as the station's JSON error, shown in words. */
async function fetchFile(path: string, fallback: string): Promise<{ name: string; labels: number }> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError('internal', 'The station is not answering.');
  }
  if (!response.ok) {
    const reply = ApiReply.safeParse(await response.json().catch(() => null));
    if (reply.success && !reply.data.ok) throw new ApiError(reply.data.error.code, reply.data.error.message);
    throw new ApiError('internal', `the station answered HTTP ${response.status}`);
  }
  const name = fileNameOf(response, fallback);
  const labels = Number(response.headers.get('x-label-count') ?? 0);
  downloadBlob(name, await response.blob());
  return { name, labels };
}

const newJobId = () => `job-${crypto.randomUUID()}`;

type Sending = { job: string; done: number; total: number; to: string };
type Confirm = { labels: number; printer: string | null; go: () => void; test: () => void };

/**
 * Print: the desktop app prints through the system (its bridge), a browser downloads the PDF to print from the PDF
 * viewer. Rolls also go out as ZPL, as a file or straight to a network label printer (port 9100). One test label
 * first, a confirmation naming the count above CONFIRM_ABOVE, progress and cancel while sending. A download is
 * recorded as downloaded; only what a printer took (or the technician says was printed) counts as printed.
 */
export function PrintActions({ choices, template, check }: { choices: LabelChoices; template: LabelTemplateInfo; check: LabelCheckResult | null }) {
  const { api, hub } = useStation();
  const intl = useIntl();
  const id = useId();
  const desktop = desktopBridge();
  const [printers, setPrinters] = useState<SystemPrinter[]>([]);
  const [printer, setPrinter] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [host, setHost] = useState('');
  const [port, setPort] = useState('9100');
  const [sending, setSending] = useState<Sending | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  /** The last downloaded job, until the technician says it printed (or chooses other labels). */
  const [downloaded, setDownloaded] = useState<{ job: string; labels: number } | null>(null);
  const [tested, setTested] = useState(false);

  useEffect(() => {
    if (!desktop) return;
    void desktop.listPrinters().then((r) => {
      if (r.ok) setPrinters(r.value);
    });
  }, [desktop]);

  useEffect(
    () =>
      hub.on('progress', (e) => {
        if (e.task === `labels:${choices.batch}`) setSending((s) => (s ? { ...s, done: e.done, total: e.total ?? s.total } : s));
      }),
    [hub, choices.batch],
  );

  const query = jobQuery(choices);
  const queryText = query.toString();
  // A message about the last file stays only as long as the choices that made it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query text is the job
  useEffect(() => {
    setDone(null);
    setError(null);
    setDownloaded(null);
    setTested(false);
  }, [queryText]);
  const labelsWord = (n: number) => intl.formatMessage({ id: 'labels.print.count', defaultMessage: '{count, plural, one {# label} other {# labels}}' }, { count: n });
  const tooLong = `/api/labels.pdf?${query}`.length > maxUrlLength;
  const blocked = !check?.ok || tooLong || busy !== null;
  const count = check?.labels ?? 0;
  const base = `fieldstation-${choices.batch}-${choices.template}`;
  const printerName = printers.find((p) => p.name === printer)?.displayName ?? null;

  const run = async (what: string, action: () => Promise<string>) => {
    setBusy(what);
    setError(null);
    setDone(null);
    try {
      const message = await action();
      setDone(message);
      announce(message);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
    }
  };
  /** Jobs above the threshold are confirmed first, with the number and the printer. */
  const guarded = (labels: number, printerLabel: string | null, go: () => void, test: () => void) => {
    if (labels > CONFIRM_ABOVE) setConfirm({ labels, printer: printerLabel, go, test });
    else go();
  };

  const print = (test = false) =>
    run(test ? 'print-test' : 'print', async () => {
      const job = newJobId();
      const url = `${window.location.origin}/api/labels.pdf?${jobQuery(choices, { inline: '1', ...(test ? { test: '1' } : { job }) })}`;
      const result = await desktop!.printLabels({ url, pageMm: template.pageMm, ...(printer ? { printer, silent: true } : {}) });
      if (!result.ok) throw new ApiError('internal', result.error.message);
      if (!result.value.printed) throw new ApiError('bad_request', result.value.reason ?? intl.formatMessage({ id: 'labels.nothingPrinted', defaultMessage: 'Nothing was printed.' }));
      if (test) {
        setTested(true);
        return intl.formatMessage({ id: 'labels.print.testSent', defaultMessage: 'Sent one test label to the printer. Check its position and scan it.' });
      }
      // The system print took the job: now its labels count as printed.
      await api['labels.markPrinted']({ job });
      return intl.formatMessage({ id: 'labels.print.sentSystem', defaultMessage: 'Sent {labels} to the printer.' }, { labels: labelsWord(count) });
    });
  const pdf = (test = false) =>
    run(test ? 'pdf-test' : 'pdf', async () => {
      const job = newJobId();
      const file = await fetchFile(`/api/labels.pdf?${jobQuery(choices, test ? { test: '1' } : { job })}`, `${base}${test ? '-test' : ''}.pdf`);
      if (test) {
        setTested(true);
        return intl.formatMessage({ id: 'labels.print.testSaved', defaultMessage: 'Saved {name}: one test label. Print it at 100% and hold it against the stock.' }, { name: file.name });
      }
      setDownloaded({ job, labels: file.labels || count });
      return intl.formatMessage(
        { id: 'labels.savedPdf', defaultMessage: 'Saved {file} ({labels}). Print it at 100% (“actual size”), not “fit to page”.' },
        { file: file.name, labels: labelsWord(file.labels || count) },
      );
    });
  const zpl = () =>
    run('zpl', async () => {
      const job = newJobId();
      const file = await fetchFile(`/api/labels.zpl?${jobQuery(choices, { job })}`, `${base}.zpl`);
      setDownloaded({ job, labels: file.labels || count });
      return intl.formatMessage(
        { id: 'labels.savedZpl', defaultMessage: 'Saved {file} ({labels}) for the label printer.' },
        { file: file.name, labels: labelsWord(file.labels || count) },
      );
    });
  const markPrinted = (job: string) =>
    run('mark', async () => {
      const r = await api['labels.markPrinted']({ job });
      setDownloaded(null);
      return intl.formatMessage({ id: 'labels.print.marked', defaultMessage: 'Marked {labels} as printed.' }, { labels: labelsWord(r.labels) });
    });
  const send = (test = false) =>
    run(test ? 'send-test' : 'send', async () => {
      const job = newJobId();
      const to = host.trim();
      setSending({ job, done: 0, total: test ? 1 : count, to });
      try {
        const r = await api['labels.sendToPrinter']({ ...jobOf(choices), host: to, port: Number(port) || 9100, test, job });
        if (test) {
          setTested(true);
          return intl.formatMessage({ id: 'labels.print.testSentTo', defaultMessage: 'Sent one test label to {printer}. Check its position and scan it.' }, { printer: to });
        }
        if (r.cancelled) {
          return intl.formatMessage(
            {
              id: 'labels.print.cancelled',
              defaultMessage:
                'Cancelled after sending {sent} of {total, plural, one {# label} other {# labels}} to {printer}. Labels it had received may still come out; none is marked printed, so “Only labels never printed before” includes them again.',
            },
            { sent: intl.formatNumber(r.labels), total: r.total, printer: to },
          );
        }
        return intl.formatMessage({ id: 'labels.print.sentTo', defaultMessage: 'Sent {labels} to {printer}.' }, { labels: labelsWord(r.labels), printer: to });
      } finally {
        setSending(null);
      }
    });
  const cancel = () => {
    if (sending) void api['labels.cancel']({ job: sending.job });
  };

  return (
    <section className="card print-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}><FormattedMessage id="labels.print" defaultMessage="Print" /></h2>
      {tooLong && (
        <p className="field-error">
          <Icon name="alert" size={14} />
<FormattedMessage id="labels.tooMany" defaultMessage="Too many devices are selected to reprint them by name. Print the whole batch, or use “Only labels never printed before”." />
        </p>
      )}
      {desktop && printers.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-printer`}>{intl.formatMessage({ id: 'labels.printer', defaultMessage: 'Printer' })}</label>
          <select id={`${id}-printer`} value={printer} onChange={(e) => setPrinter(e.target.value)}>
            <option value="">{intl.formatMessage({ id: 'labels.askDialog', defaultMessage: 'Ask in the print dialog' })}</option>
            {printers.map((p) => (
              <option key={p.name} value={p.name}>
                {p.displayName}
                {p.isDefault ? ` ${intl.formatMessage({ id: 'labels.default', defaultMessage: '(default)' })}` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="form-actions start">
        {desktop && (
          <>
            <button
              type="button"
              className="btn btn-primary btn-large"
              onClick={() => guarded(count, printerName, () => void print(), () => void print(true))}
              disabled={blocked}
            >
              <Icon name="printer" />
              {busy === 'print'
                ? intl.formatMessage({ id: 'labels.printing', defaultMessage: 'Printing…' })
                : intl.formatMessage({ id: 'labels.printCount', defaultMessage: 'Print {labels}' }, { labels: labelsWord(count) })}
            </button>
            <button type="button" className="btn" onClick={() => void print(true)} disabled={blocked}>
              <FormattedMessage id="labels.print.testLabel" defaultMessage="Print one test label" />
            </button>
          </>
        )}
        <button type="button" className={desktop ? 'btn' : 'btn btn-primary btn-large'} onClick={() => void pdf()} disabled={blocked}>
          <Icon name="download" />
          {busy === 'pdf' ? intl.formatMessage({ id: 'labels.rendering', defaultMessage: 'Rendering…' }) : intl.formatMessage({ id: 'labels.pdf', defaultMessage: 'Download PDF ({labels})' }, { labels: labelsWord(count) })}
        </button>
        {!desktop && (
          <button type="button" className="btn" onClick={() => void pdf(true)} disabled={blocked}>
            <FormattedMessage id="labels.print.testPdf" defaultMessage="Download one test label" />
          </button>
        )}
        {template.kind === 'roll' && (
          <button type="button" className="btn" onClick={() => void zpl()} disabled={blocked}>
            <Icon name="download" />
            {busy === 'zpl' ? intl.formatMessage({ id: 'labels.rendering', defaultMessage: 'Rendering…' }) : intl.formatMessage({ id: 'labels.zpl', defaultMessage: 'Download ZPL' })}
          </button>
        )}
      </div>
      {template.kind === 'roll' && (
        <form
          className="network-printer"
          onSubmit={(e) => {
            e.preventDefault();
            const to = host.trim();
            if (to) guarded(count, to, () => void send(), () => void send(true));
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-host`}>{intl.formatMessage({ id: 'labels.network', defaultMessage: 'Network label printer' })}</label>
            <div className="input-group">
              <input id={`${id}-host`} value={host} onChange={(e) => setHost(e.target.value)} placeholder="192.168.1.50" autoComplete="off" />
              <input aria-label={intl.formatMessage({ id: 'labels.port', defaultMessage: 'Port' })} className="port-input" value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" />
              <button type="submit" className="btn" disabled={blocked || !host.trim()}>
                {busy === 'send' ? intl.formatMessage({ id: 'labels.sending', defaultMessage: 'Sending…' }) : intl.formatMessage({ id: 'labels.send', defaultMessage: 'Send' })}
              </button>
              <button type="button" className="btn" disabled={blocked || !host.trim()} onClick={() => void send(true)}>
                <FormattedMessage id="labels.print.testSend" defaultMessage="Send one test label" />
              </button>
            </div>
            <p className="field-hint"><FormattedMessage id="labels.zebra" defaultMessage="Zebra and compatible printers take ZPL on port {port}." values={{ port: '9100' }} /></p>
          </div>
        </form>
      )}
      {sending && (
        <div className="print-progress" role="group" aria-label={intl.formatMessage({ id: 'labels.print.sendingGroup', defaultMessage: 'Sending labels' })}>
          <progress max={Math.max(1, sending.total)} value={sending.done} aria-label={intl.formatMessage({ id: 'labels.print.progress', defaultMessage: 'Labels sent' })} />
          <span className="num" role="status">
            <FormattedMessage
              id="labels.print.sending"
              defaultMessage="Sending {done} of {total} to {printer}…"
              values={{ done: intl.formatNumber(sending.done), total: intl.formatNumber(sending.total), printer: sending.to }}
            />
          </span>
          <button type="button" className="btn btn-small" onClick={cancel}>
            <FormattedMessage id="labels.print.cancel" defaultMessage="Cancel printing" />
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      {done && (
        <p className="check-status is-good" role="status">
          <Icon name="check" />
          {done}
        </p>
      )}
      {downloaded && (
        <div className="form-actions start">
          <p className="field-hint">
            <FormattedMessage
              id="labels.print.downloadedHint"
              defaultMessage="A downloaded file does not count as printed, so “Only labels never printed before” still includes these labels until you say they printed."
            />
          </p>
          <button type="button" className="btn btn-small" onClick={() => void markPrinted(downloaded.job)} disabled={busy !== null}>
            <FormattedMessage id="labels.print.markPrinted" defaultMessage="They printed: mark {labels} as printed" values={{ labels: labelsWord(downloaded.labels) }} />
          </button>
        </div>
      )}
      {confirm && (
        <ConfirmPrintDialog
          labels={confirm.labels}
          printer={confirm.printer}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            confirm.go();
          }}
          {...(tested
            ? {}
            : {
                onTest: () => {
                  setConfirm(null);
                  confirm.test();
                },
              })}
        />
      )}
    </section>
  );
}
