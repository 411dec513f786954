import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import { ApiError } from '../../../../shared/errors.ts';
import { routeHref } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { StateBadge } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatClock } from '../../components/time.tsx';

/**
 * The USB barcode scanner's field: a scanner types the label's payload and presses Enter. The device is found
 * (`devices.lookup`), shown, and can be marked installed with a note on where; the cursor stays in the field so the
 * next label can be scanned without touching the mouse. With "mark on scan", every scan marks its device at once.
 */
export function Scanner({ batch, onLocated }: { batch: string; onLocated: (device: Device) => void }) {
  const { api } = useStation();
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [auto, setAuto] = useState(false);
  const [found, setFound] = useState<Device | null>(null);
  const [installed, setInstalled] = useState<{ name: string; note: string; at: string } | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);

  const refocus = () => requestAnimationFrame(() => field.current?.focus());

  const markInstalled = async (device: Device) => {
    setBusy(true);
    try {
      const updated = await api['devices.markInstalled']({ name: device.name, note });
      setFound(updated);
      setInstalled({ name: updated.name, note: updated.locationNote ?? '', at: updated.installedAt ?? new Date().toISOString() });
      announce(`Marked ${updated.name} installed${note.trim() ? ` at ${note.trim()}` : ''}`);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
      refocus();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void scan(code);
  };

  const scan = async (scanned: string) => {
    if (!scanned.trim()) return;
    setCode('');
    setError(null);
    setInstalled(null);
    setBusy(true);
    const notFound = (message: string): Explained => ({
      ...explain(new ApiError('not_found', message)),
      next: 'Check that the label belongs to this station, or type the short code printed under the QR code.',
    });
    try {
      // `devices.lookup`: an unknown code is an answer, not a failed request.
      const { device, message } = await api['devices.lookup']({ scanned });
      if (!device) {
        setFound(null);
        setError(notFound(message ?? 'nothing on this station has that code'));
        return;
      }
      setFound(device);
      onLocated(device);
      announce(`Found ${device.name}, ${device.state}`);
      if (auto && device.batch === batch) {
        setBusy(false);
        await markInstalled(device);
        return;
      }
    } catch (err) {
      setFound(null);
      setError(explain(err));
    } finally {
      setBusy(false);
      refocus();
    }
  };

  // A scan anywhere on the page (App's barcode detector) is checked in here while this field is on screen.
  const scanRef = useRef(scan);
  scanRef.current = scan;
  useEffect(() => {
    const onScan = (e: Event) => {
      e.preventDefault();
      void scanRef.current((e as CustomEvent<{ code: string }>).detail.code);
    };
    window.addEventListener('fieldstation:scan', onScan);
    return () => window.removeEventListener('fieldstation:scan', onScan);
  }, []);

  const elsewhere = found && found.batch !== batch;
  return (
    <section className="card scanner-card" aria-labelledby={`${id}-title`}>
      <div className="scanner-row">
        <form className="scanner-form" onSubmit={onSubmit}>
          <h2 id={`${id}-title`} className="scanner-title">
            <Icon name="scan" size={18} />
            <label htmlFor={`${id}-code`}>Scan a label</label>
          </h2>
          <div className="input-group">
            <input
              id={`${id}-code`}
              ref={field}
              className="mono scanner-input"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="Scan the QR code, or type the short code"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
              aria-keyshortcuts="s"
              data-scanner
            />
            <button type="submit" className="btn" disabled={busy || !code.trim()}>
              Find
            </button>
          </div>
          <p className="field-hint" id={`${id}-hint`}>
            A USB scanner types the code and presses Enter; the cursor stays here for the next label.
          </p>
        </form>
        <div className="scanner-install">
          <div className="field">
            <label htmlFor={`${id}-note`}>Location note</label>
            <input
              id={`${id}-note`}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder="Room, rack, floor"
              autoComplete="off"
              maxLength={500}
            />
          </div>
          <label className="check">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
            Mark each scanned device installed here
          </label>
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      {found && (
        <div className={`scan-result${installed ? ' is-installed' : ''}`} role="status" aria-live="polite">
          <div className="scan-result-device">
            <span className="eyebrow">Scanned</span>
            <strong className="scan-result-name">{found.name}</strong>
            <StateBadge state={found.state} />
            {found.installedAt && (
              <span className="badge badge-success">
                <Icon name="check" size={12} />
                Installed{found.locationNote ? ` · ${found.locationNote}` : ''}
              </span>
            )}
          </div>
          {elsewhere ? (
            <p>
              This device belongs to {found.batch ? <>batch “{found.batch}”</> : 'no batch'}.{' '}
              {found.batch && (
                <a href={routeHref({ screen: 'batches', batch: found.batch, device: found.name })}>Open it in its batch</a>
              )}
            </p>
          ) : installed ? (
            <p className="scan-result-done">
              <Icon name="check" />
              Marked installed at {formatClock(installed.at)}
              {installed.note ? ` · ${installed.note}` : ''}. Scan the next label.
            </p>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => void markInstalled(found)} disabled={busy}>
              <Icon name="pin" />
              Mark installed{note.trim() ? ` at “${note.trim()}”` : ''}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
