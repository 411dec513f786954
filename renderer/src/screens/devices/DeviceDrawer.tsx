import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DeviceDetail, DeviceEvent, ProvisionAttempt } from '../../../../shared/devices.ts';
import type { LabelHistory } from '../../../../shared/labels.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { OutcomeBadge, StateBadge, TokenStateBadge } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatClock, formatDateTime, RelativeTime } from '../../components/time.tsx';
import { DeviceAttributes } from '../attributes/DeviceAttributes.tsx';
import { RunCommand } from '../attributes/RunCommand.tsx';
import { SharedAttributesEditor } from '../attributes/SharedAttributesEditor.tsx';
import { credentialsLabel } from './columns.tsx';
import { Credentials } from './Credentials.tsx';
import { LatestTelemetry } from './LatestTelemetry.tsx';
import { DeviceManage } from './DeviceManage.tsx';
import { RecoverActions } from './RecoverActions.tsx';

// The device streams telemetry: re-read its detail at most this often while the drawer is open.
const refreshMs = 400;

const eventTitles: Record<string, string> = {
  'device.added': 'Added',
  'device.installed': 'Installed',
  'device.reset': 'Reset to pending',
  'tokens.allowed-more': 'One more redemption',
  handover: 'Hand-over',
  rpc: 'Command',
};

const protectionLabel = { derived: 'Secret on the label', pin: 'PIN', password: 'Password' } as const;

/**
 * One device in full: facts, installation, its onboarding token and printed labels, its provisioning attempts,
 * credentials (hidden until asked for), attributes by scope with its own shared ones to edit, a command to run, and
 * latest telemetry. `focusOnOpen: false` leaves the focus where
 * it is (the scanner field); `token` is the device's current token when the caller knows it (undefined: look it up).
 */
export function DeviceDrawer({
  name,
  onClose,
  focusOnOpen = true,
  token,
}: {
  name: string;
  onClose: () => void;
  focusOnOpen?: boolean;
  token?: TokenView | null;
}) {
  const { api, hub, feed } = useStation();
  const [detail, setDetail] = useState<DeviceDetail | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [history, setHistory] = useState<LabelHistory | null>(null);
  const [ownToken, setOwnToken] = useState<TokenView | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const feedSnap = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  // The newest live attempt under this name: when it changes, the history is read again.
  const latestAttempt = useMemo(() => feedSnap.items.find((a) => a.deviceName === name)?.id ?? null, [feedSnap.items, name]);
  const [events, setEvents] = useState<DeviceEvent[] | null>(null);
  const focusRef = useRef(focusOnOpen);
  focusRef.current = focusOnOpen;

  const load = useCallback(() => {
    api['devices.get']({ name }).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      (err: unknown) => setError(explain(err)),
    );
  }, [api, name]);

  useEffect(() => {
    setDetail(null);
    setError(null);
    setHistory(null);
    load();
    if (focusRef.current) headingRef.current?.focus();
    api['labels.history']({ device: name, limit: 10 }).then(setHistory, () => setHistory(null));
  }, [load, api, name]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt for this device is the reason to read again
  useEffect(() => {
    let live = true;
    api['devices.events']({ name, limit: 20 }).then(
      (list) => live && setEvents(list),
      () => live && setEvents(null),
    );
    return () => {
      live = false;
    };
  }, [api, name, latestAttempt]);

  const batch = detail?.batch ?? null;
  useEffect(() => {
    if (token !== undefined || batch === null) return;
    let live = true;
    api['tokens.list']({ batch }).then(
      (list) => {
        if (live) setOwnToken(list.filter((t) => t.device === name).sort((a, b) => b.id - a.id)[0] ?? null);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, batch, name, token]);
  const currentToken = token === undefined ? ownToken : token;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = hub.on('device', (e) => {
      if (e.device.name !== name || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        load();
      }, refreshMs);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [hub, name, load]);

  // Closing gives the focus back to what opened the drawer (a table row, a scan result), as a dialog does; unless the
  // user has moved it elsewhere meanwhile (clicked a link), which a closing drawer must not take away.
  // Read during the first render: by the first effect the heading has taken the focus.
  const drawerRef = useRef<HTMLElement>(null);
  const openerRef = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  useEffect(() => {
    const opener = openerRef.current;
    const drawer = drawerRef.current;
    return () => {
      const now = document.activeElement;
      const lost = !now || now === document.body || !now.isConnected || (drawer?.contains(now) ?? false);
      if (lost && opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]:modal')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);


  return (
    <aside ref={drawerRef} className="drawer" role="dialog" aria-labelledby="drawer-title" aria-modal="false">
      <header className="drawer-header">
        <div>
          <p className="eyebrow">Device</p>
          <h2 id="drawer-title" ref={headingRef} tabIndex={-1}>
            {name}
          </h2>
        </div>
        {detail && <StateBadge state={detail.state} />}
        <button type="button" className="btn btn-icon btn-ghost" onClick={onClose} aria-label="Close device details">
          <Icon name="close" />
        </button>
      </header>
      <div className="drawer-body">
        {error && <ErrorNotice error={error} onRetry={load} />}
        {!detail && !error && <p className="muted" aria-busy="true">Loading…</p>}
        {detail && (
          <>
            <dl className="facts">
              <dt>Profile</dt>
              <dd>{detail.profile}</dd>
              <dt>Batch</dt>
              <dd>{detail.batch ?? <span className="muted">none</span>}</dd>
              <dt>Serial</dt>
              <dd>{detail.serial ? <code>{detail.serial}</code> : <span className="muted">none</span>}</dd>
              <dt>MAC</dt>
              <dd>{detail.mac ? <code>{detail.mac}</code> : <span className="muted">none</span>}</dd>
              {detail.label && (
                <>
                  <dt>Label</dt>
                  <dd>{detail.label}</dd>
                </>
              )}
              <dt>Gateway</dt>
              <dd>{detail.gateway ? 'Yes' : 'No'}</dd>
              <dt>Added</dt>
              <dd>{formatDateTime(detail.createdAt)}</dd>
              <dt>Provisioned</dt>
              <dd>
                {detail.provisionedAt ? (
                  <>
                    {formatDateTime(detail.provisionedAt)}
                    {detail.provisionedVia && ` over ${detail.provisionedVia.toUpperCase()}`}
                  </>
                ) : (
                  <span className="muted">not yet</span>
                )}
              </dd>
              <dt>Last seen</dt>
              <dd>
                <RelativeTime iso={detail.lastSeenAt} />
              </dd>
              <dt>Installed</dt>
              <dd data-installed={detail.installedAt ? 'yes' : 'no'}>
                {detail.installedAt ? (
                  <>
                    {formatDateTime(detail.installedAt)}
                    {detail.locationNote && <span className="location-note"> · {detail.locationNote}</span>}
                  </>
                ) : (
                  <span className="muted">not yet (scan its label in the batch to mark it)</span>
                )}
              </dd>
            </dl>

            <section aria-labelledby="token-title" className="drawer-section">
              <h3 id="token-title">Onboarding token and label</h3>
              {currentToken ? (
                <dl className="facts">
                  <dt>Token</dt>
                  <dd>
                    <TokenStateBadge state={currentToken.state} /> <code>{currentToken.shortCode}</code>
                  </dd>
                  <dt>Protection</dt>
                  <dd>{protectionLabel[currentToken.protection]}</dd>
                  <dt>Uses</dt>
                  <dd className="num">
                    {currentToken.uses} of {currentToken.maxUses}
                  </dd>
                  <dt>Expires</dt>
                  <dd>{currentToken.expiresAt ? formatDateTime(currentToken.expiresAt) : <span className="muted">never</span>}</dd>
                  {currentToken.lockedUntil && (
                    <>
                      <dt>Locked</dt>
                      <dd>
                        until {formatClock(currentToken.lockedUntil)} after {currentToken.failedAttempts} wrong secrets
                      </dd>
                    </>
                  )}
                </dl>
              ) : (
                <p className="muted">No onboarding token: issue one from the batch to print its label.</p>
              )}
              {history && (
                <p className={history.count ? '' : 'muted'} data-label-prints={history.count}>
                  {history.count === 0
                    ? 'No label printed yet.'
                    : `Label printed ${history.count}×, last ${history.lastPrintedAt ? formatDateTime(history.lastPrintedAt) : ''} on ${history.lastTemplate ?? 'unknown stock'}.`}
                </p>
              )}
            </section>

            <section aria-labelledby="attempts-title" className="drawer-section">
              <h3 id="attempts-title">History</h3>
              {events === null || events.length === 0 ? (
                <p className="muted">{events === null ? 'Loading…' : 'Nothing yet: no device has tried to provision under this name.'}</p>
              ) : (
                <ol className="attempt-list">
                  {events.map((e) => (
                    <li key={e.id}>
                      <time dateTime={e.at} title={formatDateTime(e.at)} className="num">
                        {formatClock(e.at)}
                      </time>
                      {e.kind === 'provision' && e.outcome ? <OutcomeBadge outcome={e.outcome as ProvisionAttempt['outcome']} /> : <span className="badge">{eventTitles[e.kind] ?? e.kind}</span>}
                      {e.transport && <span className={`transport transport-${e.transport}`}>{e.transport.toUpperCase()}</span>}
                      <span className="muted ellipsis">{e.reason ?? ''}</span>
                    </li>
                  ))}
                </ol>
              )}
            </section>

            <section aria-labelledby="cred-title" className="drawer-section">
              <h3 id="cred-title">
                Credentials
                {detail.credentialsType && <span className="muted"> · {credentialsLabel[detail.credentialsType]}</span>}
              </h3>
              <Credentials key={detail.name} type={detail.credentialsType} value={detail.credentialsValue} />
            </section>
            <RecoverActions device={detail} onChanged={load} />
            <DeviceManage device={detail} onChanged={load} onRemoved={onClose} />

            <section aria-labelledby="attr-title" className="drawer-section">
              <h3 id="attr-title">Attributes</h3>
              <DeviceAttributes device={detail.name} profile={detail.profile} batch={detail.batch} />
              <SharedAttributesEditor level="device" name={detail.name} title="This device’s own shared attributes" headingLevel={4} />
            </section>

            <section aria-labelledby="rpc-title" className="drawer-section">
              <h3 id="rpc-title">Run a command</h3>
              <RunCommand device={detail.name} />
            </section>

            <LatestTelemetry telemetry={detail.telemetry} />
          </>
        )}
      </div>
    </aside>
  );
}
