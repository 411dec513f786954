import { defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DeviceDetail, DeviceEvent, ProvisionAttempt } from '../../../../shared/devices.ts';
import type { LabelHistory } from '../../../../shared/labels.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { OutcomeBadge, StateBadge, TokenStateBadge } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { StationReason } from '../../components/StationReason.tsx';
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

const eventTitles: Record<string, MessageDescriptor> = defineMessages({
  'device.added': { id: 'drawer.event.added', defaultMessage: 'Added' },
  'device.installed': { id: 'drawer.event.installed', defaultMessage: 'Installed' },
  'device.reset': { id: 'drawer.event.reset', defaultMessage: 'Reset to pending' },
  'tokens.allowed-more': { id: 'drawer.event.allowedMore', defaultMessage: 'One more redemption' },
  'device.profile-changed': { id: 'drawer.event.profileChanged', defaultMessage: 'Profile changed' },
  'device.removed': { id: 'drawer.event.removed', defaultMessage: 'Removed' },
  'tokens.unlocked': { id: 'drawer.event.unlocked', defaultMessage: 'Token unlocked' },
  'tokens.unlock-refused': { id: 'drawer.event.unlockRefused', defaultMessage: 'Unlock refused' },
  handover: { id: 'drawer.event.handover', defaultMessage: 'Hand-over' },
  rpc: { id: 'drawer.event.rpc', defaultMessage: 'Command' },
});

const protectionLabel = defineMessages({
  derived: { id: 'drawer.protection.derived', defaultMessage: 'Secret on the label' },
  pin: { id: 'drawer.protection.pin', defaultMessage: 'PIN' },
  password: { id: 'drawer.protection.password', defaultMessage: 'Password' },
});

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
  const intl = useIntl();
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

  // What a person did here (reset, profile change, unlock) is a line in the history too: read both again.
  const [changes, setChanges] = useState(0);
  const changedHere = useCallback(() => {
    load();
    setChanges((n) => n + 1);
  }, [load]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt for this device, or a change made here, is the reason to read again
  useEffect(() => {
    let live = true;
    api['devices.events']({ name, limit: 20 }).then(
      (list) => live && setEvents(list),
      () => live && setEvents(null),
    );
    return () => {
      live = false;
    };
  }, [api, name, latestAttempt, changes]);

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

  // The batch it shows, for telling whether a batch change (a rename) is about this device.
  const shownBatch = useRef<string | null>(null);
  shownBatch.current = batch;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        load();
      }, refreshMs);
    };
    const offs = [
      hub.on('device', (e) => {
        if (e.device.name === name) later();
      }),
      // A rename of its batch sends no device event (the devices' rows do not change): the drawer would go on showing,
      // and asking the station about, a batch name that no longer exists.
      hub.on('changed', (e) => {
        if (e.entity === 'batches' && e.batch !== null && e.batch === shownBatch.current) later();
      }),
    ];
    return () => {
      for (const off of offs) off();
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
          <p className="eyebrow"><FormattedMessage id="drawer.eyebrow" defaultMessage="Device" /></p>
          <h2 id="drawer-title" ref={headingRef} tabIndex={-1}>
            {name}
          </h2>
        </div>
        {detail && <StateBadge state={detail.state} />}
        <button type="button" className="btn btn-icon btn-ghost" onClick={onClose} aria-label={intl.formatMessage({ id: 'drawer.close', defaultMessage: 'Close device details' })}>
          <Icon name="close" />
        </button>
      </header>
      <div className="drawer-body">
        {error && <ErrorNotice error={error} onRetry={load} />}
        {!detail && !error && <p className="muted" aria-busy="true"><FormattedMessage id="common.loading" defaultMessage="Loading…" /></p>}
        {detail && (
          <>
            <dl className="facts">
              <dt><FormattedMessage id="drawer.profile" defaultMessage="Profile" /></dt>
              <dd>{detail.profile}</dd>
              <dt><FormattedMessage id="drawer.batch" defaultMessage="Batch" /></dt>
              <dd>{detail.batch ?? <span className="muted"><FormattedMessage id="drawer.none" defaultMessage="none" /></span>}</dd>
              <dt><FormattedMessage id="drawer.serial" defaultMessage="Serial" /></dt>
              <dd>{detail.serial ? <code>{detail.serial}</code> : <span className="muted"><FormattedMessage id="drawer.none" defaultMessage="none" /></span>}</dd>
              <dt><FormattedMessage id="drawer.mac" defaultMessage="MAC" /></dt>
              <dd>{detail.mac ? <code>{detail.mac}</code> : <span className="muted"><FormattedMessage id="drawer.none" defaultMessage="none" /></span>}</dd>
              {detail.label && (
                <>
                  <dt><FormattedMessage id="drawer.label" defaultMessage="Label" /></dt>
                  <dd>{detail.label}</dd>
                </>
              )}
              <dt><FormattedMessage id="drawer.gateway" defaultMessage="Gateway" /></dt>
              <dd>{detail.gateway ? <FormattedMessage id="common.yes" defaultMessage="Yes" /> : <FormattedMessage id="common.no" defaultMessage="No" />}</dd>
              <dt><FormattedMessage id="drawer.added" defaultMessage="Added" /></dt>
              <dd>{formatDateTime(detail.createdAt)}</dd>
              <dt><FormattedMessage id="drawer.provisioned" defaultMessage="Provisioned" /></dt>
              <dd>
                {detail.provisionedAt ? (
                  detail.provisionedVia ? (
                    <FormattedMessage id="drawer.provisionedOver" defaultMessage="{time} over {transport}" values={{ time: formatDateTime(detail.provisionedAt), transport: detail.provisionedVia.toUpperCase() }} />
                  ) : (
                    formatDateTime(detail.provisionedAt)
                  )
                ) : (
                  <span className="muted"><FormattedMessage id="drawer.notYet" defaultMessage="not yet" /></span>
                )}
              </dd>
              <dt><FormattedMessage id="drawer.lastSeen" defaultMessage="Last seen" /></dt>
              <dd>
                <RelativeTime iso={detail.lastSeenAt} />
              </dd>
              <dt><FormattedMessage id="drawer.installed" defaultMessage="Installed" /></dt>
              <dd data-installed={detail.installedAt ? 'yes' : 'no'}>
                {detail.installedAt ? (
                  <>
                    {formatDateTime(detail.installedAt)}
                    {detail.locationNote && <span className="location-note"> · {detail.locationNote}</span>}
                  </>
                ) : (
                  <span className="muted"><FormattedMessage id="drawer.notInstalled" defaultMessage="not yet (scan its label in the batch to mark it)" /></span>
                )}
              </dd>
            </dl>

            <section aria-labelledby="token-title" className="drawer-section">
              <h3 id="token-title"><FormattedMessage id="drawer.tokenTitle" defaultMessage="Onboarding token and label" /></h3>
              {currentToken ? (
                <dl className="facts">
                  <dt><FormattedMessage id="drawer.token" defaultMessage="Token" /></dt>
                  <dd>
                    <TokenStateBadge state={currentToken.state} /> <code>{currentToken.shortCode}</code>
                  </dd>
                  <dt><FormattedMessage id="drawer.protection" defaultMessage="Protection" /></dt>
                  <dd>{intl.formatMessage(protectionLabel[currentToken.protection])}</dd>
                  <dt><FormattedMessage id="drawer.uses" defaultMessage="Uses" /></dt>
                  <dd className="num">
                    <FormattedMessage id="drawer.usesOf" defaultMessage="{uses, number} of {max, number}" values={{ uses: currentToken.uses, max: currentToken.maxUses }} />
                  </dd>
                  <dt><FormattedMessage id="drawer.expires" defaultMessage="Expires" /></dt>
                  <dd>
                    {currentToken.expiresAt ? formatDateTime(currentToken.expiresAt) : <span className="muted"><FormattedMessage id="tokens.never" defaultMessage="never" /></span>}
                  </dd>
                  {currentToken.lockedUntil && (
                    <>
                      <dt><FormattedMessage id="drawer.locked" defaultMessage="Locked" /></dt>
                      <dd>
                        <FormattedMessage id="drawer.lockedUntil" defaultMessage="until {time} after {count, plural, one {# wrong secret} other {# wrong secrets}}" values={{ time: formatClock(currentToken.lockedUntil), count: currentToken.failedAttempts }} />
                      </dd>
                    </>
                  )}
                </dl>
              ) : (
                <p className="muted"><FormattedMessage id="drawer.noToken" defaultMessage="No onboarding token: issue one from the batch to print its label." /></p>
              )}
              {history && (
                <p className={history.count ? '' : 'muted'} data-label-prints={history.count}>
                  {history.count === 0
                    ? intl.formatMessage({ id: 'drawer.noPrint', defaultMessage: 'No label printed yet.' })
                    : intl.formatMessage({ id: 'drawer.printed', defaultMessage: 'Label printed {count, number}×, last {time} on {stock}.' }, { count: history.count, time: history.lastPrintedAt ? formatDateTime(history.lastPrintedAt) : '', stock: history.lastTemplate ?? intl.formatMessage({ id: 'drawer.unknownStock', defaultMessage: 'unknown stock' }) })}
                </p>
              )}
            </section>

            <section aria-labelledby="attempts-title" className="drawer-section">
              <h3 id="attempts-title"><FormattedMessage id="drawer.history" defaultMessage="History" /></h3>
              {events === null || events.length === 0 ? (
                <p className="muted">
                  {events === null
                    ? intl.formatMessage({ id: 'common.loading', defaultMessage: 'Loading…' })
                    : intl.formatMessage({ id: 'drawer.noHistory', defaultMessage: 'Nothing yet: no device has tried to provision under this name.' })}
                </p>
              ) : (
                <ol className="attempt-list">
                  {events.map((e) => (
                    <li key={e.id}>
                      <time dateTime={e.at} title={formatDateTime(e.at)} className="num">
                        {formatClock(e.at)}
                      </time>
                      {e.kind === 'provision' && e.outcome ? <OutcomeBadge outcome={e.outcome as ProvisionAttempt['outcome']} /> : <span className="badge">{eventTitles[e.kind] ? intl.formatMessage(eventTitles[e.kind]!) : e.kind}</span>}
                      {e.transport && <span className={`transport transport-${e.transport}`}>{e.transport.toUpperCase()}</span>}
                      <StationReason text={e.reason} className="muted ellipsis" empty="" />
                    </li>
                  ))}
                </ol>
              )}
            </section>

            <section aria-labelledby="cred-title" className="drawer-section">
              <h3 id="cred-title">
                <FormattedMessage id="drawer.credentials" defaultMessage="Credentials" />
                {detail.credentialsType && <span className="muted"> · {intl.formatMessage(credentialsLabel[detail.credentialsType])}</span>}
              </h3>
              <Credentials key={detail.name} type={detail.credentialsType} value={detail.credentialsValue} />
            </section>
            <RecoverActions device={detail} onChanged={changedHere} />
            <DeviceManage device={detail} onChanged={changedHere} onRemoved={onClose} />

            <section aria-labelledby="attr-title" className="drawer-section">
              <h3 id="attr-title"><FormattedMessage id="drawer.attributes" defaultMessage="Attributes" /></h3>
              <DeviceAttributes device={detail.name} />
              <SharedAttributesEditor level="device" name={detail.name} title={intl.formatMessage({ id: 'drawer.ownShared', defaultMessage: 'This device’s own shared attributes' })} headingLevel={4} />
            </section>

            <section aria-labelledby="rpc-title" className="drawer-section">
              <h3 id="rpc-title"><FormattedMessage id="drawer.runCommand" defaultMessage="Run a command" /></h3>
              <RunCommand device={detail.name} />
            </section>

            <LatestTelemetry telemetry={detail.telemetry} />
          </>
        )}
      </div>
    </aside>
  );
}
