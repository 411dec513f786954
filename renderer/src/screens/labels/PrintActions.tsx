import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useId, useState } from 'react';
import type { DesktopBridge, SystemPrinter } from '../../../../shared/desktop-bridge.ts';
import { ApiError, ApiReply } from '../../../../shared/errors.ts';
import type { LabelCheckResult, LabelTemplateInfo } from '../../../../shared/labels.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { type LabelChoices, jobOf, jobQuery, maxUrlLength } from './job.ts';

const bridge = (): DesktopBridge | undefined => (window as { fieldstation?: DesktopBridge }).fieldstation;

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

/**
 * Print: the desktop app prints through the system (its bridge), a browser downloads the PDF to print from the PDF
 * viewer. Rolls also go out as ZPL, as a file or straight to a network label printer (port 9100).
 */
export function PrintActions({ choices, template, check }: { choices: LabelChoices; template: LabelTemplateInfo; check: LabelCheckResult | null }) {
  const { api } = useStation();
  const id = useId();
  const desktop = bridge();
  const [printers, setPrinters] = useState<SystemPrinter[]>([]);
  const [printer, setPrinter] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [host, setHost] = useState('');
  const [port, setPort] = useState('9100');

  useEffect(() => {
    if (!desktop) return;
    void desktop.listPrinters().then((r) => {
      if (r.ok) setPrinters(r.value);
    });
  }, [desktop]);

  const query = jobQuery(choices);
  const queryText = query.toString();
  // A message about the last file stays only as long as the choices that made it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query text is the job
  useEffect(() => {
    setDone(null);
    setError(null);
  }, [queryText]);
  const intl = useIntl();
  const labelsWord = (n: number) => intl.formatMessage({ id: 'labels.count', defaultMessage: '{count, plural, one {# label} other {# labels}}' }, { count: n });
  const tooLong = `/api/labels.pdf?${query}`.length > maxUrlLength;
  const blocked = !check?.ok || tooLong || busy !== null;
  const count = check?.labels ?? 0;
  const base = `fieldstation-${choices.batch}-${choices.template}`;

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

  const print = () =>
    run('print', async () => {
      const url = `${window.location.origin}/api/labels.pdf?${jobQuery(choices, { inline: '1' })}`;
      const result = await desktop!.printLabels({ url, pageMm: template.pageMm, ...(printer ? { printer, silent: true } : {}) });
      if (!result.ok) throw new ApiError('internal', result.error.message);
      if (!result.value.printed) throw new ApiError('bad_request', result.value.reason ?? intl.formatMessage({ id: 'labels.nothingPrinted', defaultMessage: 'Nothing was printed.' }));
      return intl.formatMessage({ id: 'labels.sent', defaultMessage: 'Sent {labels} to the printer.' }, { labels: labelsWord(count) });
    });
  const pdf = () =>
    run('pdf', async () => {
      const file = await fetchFile(`/api/labels.pdf?${query}`, `${base}.pdf`);
      return intl.formatMessage({ id: 'labels.savedPdf', defaultMessage: 'Saved {file} ({labels}). Print it at 100% (“actual size”), not “fit to page”.' }, { file: file.name, labels: labelsWord(file.labels || count) });
    });
  const zpl = () =>
    run('zpl', async () => {
      const file = await fetchFile(`/api/labels.zpl?${query}`, `${base}.zpl`);
      return intl.formatMessage({ id: 'labels.savedZpl', defaultMessage: 'Saved {file} ({labels}) for the label printer.' }, { file: file.name, labels: labelsWord(file.labels || count) });
    });
  const send = () =>
    run('send', async () => {
      const r = await api['labels.sendToPrinter']({ ...jobOf(choices), host: host.trim(), port: Number(port) || 9100 });
      return intl.formatMessage({ id: 'labels.sentTo', defaultMessage: 'Sent {labels} to {host}.' }, { labels: labelsWord(r.labels), host: host.trim() });
    });

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
          <button type="button" className="btn btn-primary btn-large" onClick={() => void print()} disabled={blocked}>
            <Icon name="printer" />
            {busy === 'print' ? intl.formatMessage({ id: 'labels.printing', defaultMessage: 'Printing…' }) : intl.formatMessage({ id: 'labels.printCount', defaultMessage: 'Print {labels}' }, { labels: labelsWord(count) })}
          </button>
        )}
        <button type="button" className={desktop ? 'btn' : 'btn btn-primary btn-large'} onClick={() => void pdf()} disabled={blocked}>
          <Icon name="download" />
          {busy === 'pdf' ? intl.formatMessage({ id: 'labels.rendering', defaultMessage: 'Rendering…' }) : intl.formatMessage({ id: 'labels.pdf', defaultMessage: 'Download PDF ({labels})' }, { labels: labelsWord(count) })}
        </button>
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
            if (host.trim()) void send();
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
            </div>
            <p className="field-hint"><FormattedMessage id="labels.zebra" defaultMessage="Zebra and compatible printers take ZPL on port {port}." values={{ port: '9100' }} /></p>
          </div>
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {done && (
        <p className="check-status is-good" role="status">
          <Icon name="check" />
          {done}
        </p>
      )}
    </section>
  );
}
