import { useCallback, useEffect, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { Device } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import { explain } from '../api/errors.ts';
import { announce } from '../components/Announcer.tsx';
import { StateBadge, stateLabel } from '../components/Badges.tsx';
import { Icon } from '../components/Icon.tsx';
import { useBarcodeScans } from './barcode-scans.ts';
import { routeHref } from './route.ts';
import { useStation } from './station.tsx';

type Result =
  | { phase: 'looking'; code: string }
  | { phase: 'found'; code: string; device: Device }
  | { phase: 'unknown'; code: string; message: string };

// Long enough to read and reach for the link; the next scan replaces it anyway.
const shownForMs = 15_000;

/**
 * Check-in from anywhere: a label scanned while the focus is not in a batch's scanner field is looked up
 * (`devices.lookup`) and shown here, over whatever is open, without touching it: no shortcut fires, no field
 * receives the code, no dialog changes. With a batch's scanner field on screen, that field takes the scan instead
 * (it listens for `fieldstation:scan`). Shown as a popover, so it sits above an open modal dialog too.
 */
export function ScanPanel() {
  const { api } = useStation();
  const [result, setResult] = useState<Result | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const latest = useRef(0);
  const intl = useIntl();

  const onScan = useCallback(
    (code: string) => {
      const handled = !window.dispatchEvent(new CustomEvent('fieldstation:scan', { detail: { code }, cancelable: true }));
      const mine = ++latest.current;
      if (handled) {
        setResult(null);
        return;
      }
      setResult({ phase: 'looking', code });
      api['devices.lookup']({ scanned: code }).then(
        ({ device, message }) => {
          if (mine !== latest.current) return;
          if (device) {
            setResult({ phase: 'found', code, device });
            announce(
              intl.formatMessage(
                { id: 'scan.announceFound', defaultMessage: 'Scanned {name}, {state}' },
                { name: device.name, state: stateLabel(device.state) },
              ),
            );
            return;
          }
          const said = intl.formatMessage(
            { id: 'scan.unknown', defaultMessage: 'Unknown code “{code}”. {reason}' },
            { code, reason: explain(new ApiError('not_found', message ?? 'not found')).message },
          );
          setResult({ phase: 'unknown', code, message: said });
          announce(said);
        },
        (err: unknown) => {
          if (mine !== latest.current) return;
          const { message } = explain(err);
          setResult({ phase: 'unknown', code, message });
          announce(message);
        },
      );
    },
    [api, intl],
  );
  useBarcodeScans(onScan);

  useEffect(() => {
    const el = panel.current;
    if (!el) return;
    // Re-open on every result: the newest popover is the top one, above a modal dialog opened since.
    if (el.matches(':popover-open')) el.hidePopover();
    if (result) el.showPopover();
    if (!result || result.phase === 'looking') return;
    const timer = setTimeout(() => setResult(null), shownForMs);
    return () => clearTimeout(timer);
  }, [result]);

  const device = result?.phase === 'found' ? result.device : null;
  return (
    <div ref={panel} popover="manual" className="scan-panel" role="status" aria-live="polite" data-scan-result={result?.phase}>
      {result?.phase === 'looking' && (
        <p>
          <span className="spinner" aria-hidden="true" />{' '}
          <FormattedMessage id="scan.looking" defaultMessage="Looking up the scanned code…" />
        </p>
      )}
      {device && (
        <div className="scan-result-device">
          <span className="eyebrow">
            <FormattedMessage id="scan.scanned" defaultMessage="Scanned" />
          </span>
          <strong className="scan-result-name" data-scanned-device={device.name}>
            {device.name}
          </strong>
          <StateBadge state={device.state} />
          <span className="muted">
            {device.batch ? (
              <FormattedMessage id="scan.inBatch" defaultMessage="batch “{batch}”" values={{ batch: device.batch }} />
            ) : (
              <FormattedMessage id="scan.noBatch" defaultMessage="no batch" />
            )}
          </span>
          {device.batch && (
            <a href={routeHref({ screen: 'batches', batch: device.batch, tab: 'devices', device: device.name })}>
              <FormattedMessage id="scan.checkIn" defaultMessage="Check it in" />
            </a>
          )}
        </div>
      )}
      {result?.phase === 'unknown' && (
        <p className="scan-panel-unknown">
          <Icon name="alert" size={18} />
          <strong>{result.message}</strong>
        </p>
      )}
      {result && (
        <button type="button" className="btn btn-icon btn-ghost" aria-label={intl.formatMessage({ id: 'common.dismiss', defaultMessage: 'Dismiss' })} onClick={() => setResult(null)}>
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}
