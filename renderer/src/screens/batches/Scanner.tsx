import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { Device, ScanLookup } from '../../../../shared/devices.ts';
import { ApiError } from '../../../../shared/errors.ts';
import { routeHref } from '../../app/route.ts';
import { playScanTone, scanSoundMuted, setScanSoundMuted } from '../../app/scan-sound.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { StateBadge, stateLabel } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatClock } from '../../components/time.tsx';
import { CameraScan, useHasCamera } from './CameraScan.tsx';
import { type Flash, ScanFlash } from './ScanFlash.tsx';

/**
 * The USB barcode scanner's field: a scanner types the label's payload and presses Enter. The device is found
 * (`devices.lookup`), shown, and can be marked installed with a note on where; the cursor stays in the field so the
 * next label can be scanned without touching the mouse. With "mark on scan", every scan marks its device at once.
 * The manufacturer's serial or MAC barcode finds the device too; a device already installed somewhere else is moved
 * only after the technician says so (old and new place shown); every scan ends in a big banner and a tone.
 * Where the machine has a camera, it can read the labels instead of a USB scanner.
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
  const intl = useIntl();
  const [flash, setFlashState] = useState<Flash | null>(null);
  const [move, setMove] = useState<{ device: Device; note: string } | null>(null);
  const [muted, setMuted] = useState(scanSoundMuted);
  const [camera, setCamera] = useState(false);
  const hasCamera = useHasCamera();
  const flashes = useRef(0);

  const refocus = () => requestAnimationFrame(() => field.current?.focus());
  const signal = (tone: Flash['tone'], title: Flash['title'], detail?: Flash['detail']) => {
    setFlashState({ tone, title, detail, key: ++flashes.current });
    playScanTone(tone);
  };
  const place = (where: string | null) =>
    where ? `“${where}”` : intl.formatMessage({ id: 'scanner.noLocation', defaultMessage: '(no location note)' });

  const markInstalled = async (device: Device, moveConfirmed = false) => {
    const where = note.trim();
    setMove(null);
    if (device.installedAt && !moveConfirmed) {
      if ((device.locationNote ?? '') === where) {
        signal(
          'ok',
          intl.formatMessage({ id: 'scanner.flash.alreadyHere', defaultMessage: '{name} is already installed here' }, { name: device.name }),
          place(device.locationNote),
        );
        refocus();
        return;
      }
      // A repeat scan somewhere else: a moved device, or the wrong label. The technician decides.
      setMove({ device, note: where });
      signal(
        'ask',
        intl.formatMessage({ id: 'scanner.flash.installedElsewhere', defaultMessage: '{name} is already installed elsewhere' }, { name: device.name }),
        intl.formatMessage({ id: 'scanner.flash.installedElsewhereDetail', defaultMessage: 'Move it, or keep it where it is?' }),
      );
      refocus();
      return;
    }
    setBusy(true);
    try {
      // Only after the person confirmed the move may an install record be replaced; the station refuses otherwise.
      const updated = await api['devices.markInstalled']({ name: device.name, note, overwrite: moveConfirmed });
      setFound(updated);
      setInstalled({ name: updated.name, note: updated.locationNote ?? '', at: updated.installedAt ?? new Date().toISOString() });
      announce(
        note.trim()
          ? intl.formatMessage({ id: 'scanner.markedAt', defaultMessage: 'Marked {name} installed at {note}' }, { name: updated.name, note: note.trim() })
          : intl.formatMessage({ id: 'scanner.marked', defaultMessage: 'Marked {name} installed' }, { name: updated.name }),
      );
      signal(
        'ok',
        intl.formatMessage({ id: 'scanner.flash.checkedIn', defaultMessage: 'Checked in: {name}' }, { name: updated.name }),
        place(updated.locationNote),
      );
    } catch (err) {
      const refused = err as { code?: string; details?: { installedAt?: string; locationNote?: string | null } };
      if (!moveConfirmed && refused.code === 'conflict' && refused.details?.installedAt) {
        // Checked in elsewhere meanwhile (another technician, another window): the same question as a repeat scan.
        const known = { ...device, installedAt: refused.details.installedAt, locationNote: refused.details.locationNote ?? null };
        setFound(known);
        setMove({ device: known, note: where });
        signal(
          'ask',
          intl.formatMessage({ id: 'scanner.flash.installedElsewhere', defaultMessage: '{name} is already installed elsewhere' }, { name: device.name }),
          intl.formatMessage({ id: 'scanner.flash.installedElsewhereDetail', defaultMessage: 'Move it, or keep it where it is?' }),
        );
        return;
      }
      setError(explain(err));
      // The error notice below says why (an alert); the banner says that it failed.
      signal('fail', intl.formatMessage({ id: 'scanner.flash.checkInFailed', defaultMessage: '{name} was not checked in' }, { name: device.name }));
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
    setMove(null);
    setBusy(true);
    const notFound = (message: string): Explained => ({
      ...explain(new ApiError('not_found', message)),
      next: intl.formatMessage({ id: 'scanner.notFoundNext', defaultMessage: 'Check that the label belongs to this station, or type the short code printed under the QR code.' }),
    });
    try {
      // `devices.lookup`: an unknown code is an answer, not a failed request.
      const { device, message, matched } = await api['devices.lookup']({ scanned });
      if (!device) {
        setFound(null);
        const explained = notFound(message ?? 'nothing on this station has that code');
        setError(explained);
        signal('fail', intl.formatMessage({ id: 'scanner.flash.notFound', defaultMessage: 'Not found: {code}' }, { code: scanned.trim() }));
        return;
      }
      setFound(device);
      onLocated(device);
      announce(intl.formatMessage({ id: 'scanner.found', defaultMessage: 'Found {name}, {state}' }, { name: device.name, state: stateLabel(device.state) }));
      if (auto && device.batch === batch) {
        setBusy(false);
        await markInstalled(device);
        return;
      }
      if (device.batch !== batch) {
        signal(
          'ask',
          intl.formatMessage({ id: 'scanner.flash.otherBatch', defaultMessage: 'Found {name}, in another batch' }, { name: device.name }),
          matchedBy(matched),
        );
      } else signal('ok', intl.formatMessage({ id: 'scanner.flash.found', defaultMessage: 'Found {name}' }, { name: device.name }), matchedBy(matched));
    } catch (err) {
      setFound(null);
      setError(explain(err));
      signal('fail', intl.formatMessage({ id: 'scanner.flash.lookupFailed', defaultMessage: 'The scan could not be looked up' }));
    } finally {
      setBusy(false);
      refocus();
    }
  };

  // A scan anywhere on the page (App's barcode detector) is checked in here while this field is on screen.
  const matchedBy = (matched: ScanLookup['matched']) =>
    matched === 'serial' || matched === 'mac' || matched === 'name'
      ? intl.formatMessage(
          {
            id: 'scanner.flash.matchedBy',
            defaultMessage: '{matched, select, serial {by its serial number} mac {by its MAC address} other {by its name}}',
          },
          { matched },
        )
      : undefined;

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
            <label htmlFor={`${id}-code`}>{intl.formatMessage({ id: 'scanner.title', defaultMessage: 'Scan a label' })}</label>
          </h2>
          <div className="input-group">
            <input
              id={`${id}-code`}
              ref={field}
              className="mono scanner-input"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder={intl.formatMessage({ id: 'scanner.placeholder', defaultMessage: 'Scan the QR code, or type the short code' })}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
              aria-keyshortcuts="s"
              data-scanner
            />
            <button type="submit" className="btn" disabled={busy || !code.trim()}>
              <FormattedMessage id="scanner.find" defaultMessage="Find" />
            </button>
            {hasCamera && !camera && (
              <button type="button" className="btn" onClick={() => setCamera(true)}>
                <Icon name="camera" />
                <FormattedMessage id="scanner.camera.open" defaultMessage="Scan with camera" />
              </button>
            )}
          </div>
          <p className="field-hint" id={`${id}-hint`}>
<FormattedMessage id="scanner.hint" defaultMessage="A USB scanner types the code and presses Enter; the cursor stays here for the next label." />
          </p>
        </form>
        <div className="scanner-install">
          <div className="field">
            <label htmlFor={`${id}-note`}>{intl.formatMessage({ id: 'scanner.note', defaultMessage: 'Location note' })}</label>
            <input
              id={`${id}-note`}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={intl.formatMessage({ id: 'scanner.notePlaceholder', defaultMessage: 'Room, rack, floor' })}
              autoComplete="off"
              maxLength={500}
            />
          </div>
          <div className="scanner-options">
            <label className="check">
              <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
              <FormattedMessage id="scanner.auto" defaultMessage="Mark each scanned device installed here" />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={!muted}
                onChange={(e) => {
                  setMuted(!e.target.checked);
                  setScanSoundMuted(!e.target.checked);
                }}
              />
              <FormattedMessage id="scanner.sound" defaultMessage="Sound on each scan" />
            </label>
          </div>
        </div>
      </div>
      {camera && (
        <CameraScan
          onCode={(c) => void scanRef.current(c)}
          onClose={() => {
            setCamera(false);
            refocus();
          }}
        />
      )}
      {flash && <ScanFlash flash={flash} />}
      {move && (
        <section className="scan-move" aria-label={intl.formatMessage({ id: 'scanner.move.label', defaultMessage: 'Move {name}?' }, { name: move.device.name })}>
          <dl>
            <dt>
              <FormattedMessage id="scanner.move.now" defaultMessage="Installed now" />
            </dt>
            <dd data-move-old>
              {place(move.device.locationNote)}
              {move.device.installedAt && ` · ${formatClock(move.device.installedAt)}`}
            </dd>
            <dt>
              <FormattedMessage id="scanner.move.new" defaultMessage="This scan" />
            </dt>
            <dd data-move-new>{place(move.note || null)}</dd>
          </dl>
          <div className="form-actions start">
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void markInstalled(move.device, true)}>
              <Icon name="pin" />
              <FormattedMessage id="scanner.move.confirm" defaultMessage="Move it to {place}" values={{ place: place(move.note || null) }} />
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setMove(null);
                signal(
                  'ok',
                  intl.formatMessage({ id: 'scanner.flash.kept', defaultMessage: '{name} stays where it is' }, { name: move.device.name }),
                  place(move.device.locationNote),
                );
                refocus();
              }}
            >
              <FormattedMessage id="scanner.move.keep" defaultMessage="Keep it at {place}" values={{ place: place(move.device.locationNote) }} />
            </button>
          </div>
        </section>
      )}
      {error && <ErrorNotice error={error} />}
      {found && (
        <div className={`scan-result${installed ? ' is-installed' : ''}`} role="status" aria-live="polite">
          <div className="scan-result-device">
            <span className="eyebrow"><FormattedMessage id="scan.scanned" defaultMessage="Scanned" /></span>
            <strong className="scan-result-name">{found.name}</strong>
            <StateBadge state={found.state} />
            {found.installedAt && (
              <span className="badge badge-success">
                <Icon name="check" size={12} />
                <FormattedMessage id="scanner.installed" defaultMessage="Installed" />
                {found.locationNote ? ` · ${found.locationNote}` : ''}
              </span>
            )}
          </div>
          {elsewhere ? (
            <p>
              {found.batch
                ? <FormattedMessage id="scanner.elsewhere" defaultMessage="This device belongs to batch “{batch}”." values={{ batch: found.batch }} />
                : <FormattedMessage id="scanner.noBatch" defaultMessage="This device belongs to no batch." />}{' '}
              {found.batch && (
                <a href={routeHref({ screen: 'batches', batch: found.batch, device: found.name })}>
                  <FormattedMessage id="scanner.openInBatch" defaultMessage="Open it in its batch" />
                </a>
              )}
            </p>
          ) : installed ? (
            <p className="scan-result-done">
              <Icon name="check" />
              {installed.note
                ? <FormattedMessage id="scanner.doneNote" defaultMessage="Marked installed at {time} · {note}. Scan the next label." values={{ time: formatClock(installed.at), note: installed.note }} />
                : <FormattedMessage id="scanner.done" defaultMessage="Marked installed at {time}. Scan the next label." values={{ time: formatClock(installed.at) }} />}
            </p>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => void markInstalled(found)} disabled={busy}>
              <Icon name="pin" />
              {note.trim()
                ? <FormattedMessage id="scanner.markAt" defaultMessage="Mark installed at “{note}”" values={{ note: note.trim() }} />
                : <FormattedMessage id="scanner.mark" defaultMessage="Mark installed" />}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
