import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { defineMessages, FormattedMessage, useIntl } from 'react-intl';
import type { Batch } from '../../../../shared/batches.ts';
import type { TokenState, TokenView } from '../../../../shared/tokens.ts';
import type { Route } from '../../app/route.ts';
import { TokenStateBadge, tokenStateLabel } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatCount, formatDateTime, RelativeTime } from '../../components/time.tsx';
import { type Column, VirtualTable } from '../../components/VirtualTable.tsx';
import { naturalKey } from '../../data/device-store.ts';
import { setLabelSelection } from '../../data/label-selection.ts';
import type { QuerySnapshot } from '../../data/live-query.ts';
import { IssueTokensDialog } from './IssueTokensDialog.tsx';
import { RevokeTokensDialog } from './RevokeTokensDialog.tsx';
import { TokenDialog } from './TokenDialog.tsx';

const tokenStates: TokenState[] = ['active', 'used', 'locked', 'expired', 'revoked'];
const protectionMessages = defineMessages({
  derived: { id: 'tokens.protection.none', defaultMessage: 'None' },
  pin: { id: 'tokens.protection.pin', defaultMessage: 'PIN' },
  password: { id: 'tokens.protection.password', defaultMessage: 'Password' },
});


const columns: Column<TokenView>[] = [
  { id: 'code', header: <FormattedMessage id="tokens.colCode" defaultMessage="Short code" />, width: '10.5rem', cell: (t) => <code className="strong">{t.shortCode}</code> },
  {
    id: 'device',
    header: <FormattedMessage id="tokens.colFor" defaultMessage="For" />,
    width: 'minmax(10rem, 1.5fr)',
    cell: (t) =>
      t.device ? (
        <span className="device-name ellipsis">{t.device}</span>
      ) : (
        <span className="ellipsis"><FormattedMessage id="tokens.group" defaultMessage="Group token" /></span>
      ),
  },
  { id: 'state', header: <FormattedMessage id="tokens.colState" defaultMessage="State" />, width: '7.5rem', cell: (t) => <TokenStateBadge state={t.state} /> },
  {
    id: 'uses',
    header: <FormattedMessage id="tokens.colUses" defaultMessage="Uses" />,
    width: '6rem',
    priority: 3,
    align: 'end',
    cell: (t) => (
      <span className="num">
        {formatCount(t.uses)} / {formatCount(t.maxUses)}
      </span>
    ),
  },
  {
    id: 'protection',
    header: <FormattedMessage id="tokens.colProtection" defaultMessage="Protection" />,
    width: '7rem',
    priority: 5,
    cell: (t) => <FormattedMessage {...protectionMessages[t.protection]} />,
  },
  {
    id: 'expires',
    header: <FormattedMessage id="tokens.colExpires" defaultMessage="Expires" />,
    width: 'minmax(9rem, 1fr)',
    priority: 4,
    cell: (t) =>
      t.expiresAt ? (
        <span title={formatDateTime(t.expiresAt)}>{formatDateTime(t.expiresAt)}</span>
      ) : (
        <span className="muted"><FormattedMessage id="tokens.never" defaultMessage="never" /></span>
      ),
  },
  { id: 'issued', header: <FormattedMessage id="tokens.colIssued" defaultMessage="Issued" />, width: '8rem', priority: 6, cell: (t) => <RelativeTime iso={t.createdAt} /> },
];

const compact = (text: string) => text.toLowerCase().replace(/[\s-]/g, '');

/** Tokens whose device name contains the query, or whose short code does (dashes and spaces ignored). */
function filterTokens(tokens: readonly TokenView[], query: string): readonly TokenView[] {
  const q = query.trim().toLowerCase();
  if (!q) return tokens;
  const code = compact(q);
  return tokens.filter((t) => t.device?.toLowerCase().includes(q) || (code !== "" && compact(t.shortCode).includes(code)));
}

/** A batch's onboarding tokens with their states; issue, revoke and reissue them; a row shows the token's code. */
export function TokensPanel({
  batch,
  batchInfo,
  snapshot,
  reload,
  navigate,
}: {
  batch: string;
  batchInfo: Batch | null;
  snapshot: QuerySnapshot<TokenView[]>;
  reload: () => void;
  navigate: (r: Route) => void;
}) {
  const intl = useIntl();
  const [only, setOnly] = useState<TokenState | null>(null);
  // Search by device name or short code (what is printed on the label, with or without its dash): 10,000 tokens
  // are otherwise a long scroll. The filtering render trails the keystroke.
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [dialog, setDialog] = useState<'issue' | 'revoke' | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const all = snapshot.value ?? [];
  const counts = useMemo(() => {
    const c: Record<TokenState, number> = { active: 0, used: 0, locked: 0, expired: 0, revoked: 0 };
    for (const t of all) c[t.state]++;
    return c;
  }, [all]);
  // Group tokens first, then by device name as people count (dev-2 before dev-10), the newest token of a device first.
  const shown = useMemo(
    () =>
      filterTokens(only ? all.filter((t) => t.state === only) : all, deferredQuery)
        .map((t) => ({ t, key: t.device === null ? '' : naturalKey(t.device) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.t.id - a.t.id))
        .map((x) => x.t),
    [all, only, deferredQuery],
  );
  const onRow = useCallback((t: TokenView) => setOpenId(t.id), []);
  const revocable = all.filter((t) => t.state === 'active' || t.state === 'locked');

  return (
    <section className="tokens-panel" aria-label={intl.formatMessage({ id: 'tokens.title', defaultMessage: 'Onboarding tokens' })}>
      <div className="toolbar">
        <div className="search-field">
          <Icon name="search" />
          <input
            type="search"
            aria-label={intl.formatMessage({ id: 'tokens.search', defaultMessage: 'Search tokens' })}
            placeholder={intl.formatMessage({ id: 'tokens.search.placeholder', defaultMessage: 'Device name or short code' })}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <output className="result-count" data-token-result-count={shown.length}>
          {intl.formatMessage(
            { id: 'tokens.shown', defaultMessage: '{shown, number} of {total, number} shown' },
            { shown: shown.length, total: all.length },
          )}
        </output>
        <fieldset className="segmented">
          <legend className="visually-hidden"><FormattedMessage id="tokens.byState" defaultMessage="Show tokens by state" /></legend>
          <button type="button" aria-pressed={only === null} onClick={() => setOnly(null)}>
            <FormattedMessage id="tokens.all" defaultMessage="All" /> <span className="num count">{formatCount(all.length)}</span>
          </button>
          {tokenStates.map((s) => (
            <button type="button" key={s} aria-pressed={only === s} onClick={() => setOnly(only === s ? null : s)} data-token-count={s}>
              {tokenStateLabel(s)} <span className="num count">{formatCount(counts[s])}</span>
            </button>
          ))}
        </fieldset>
        <div className="toolbar-end">
          <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => setDialog('revoke')} disabled={revocable.length === 0}>
            <Icon name="ban" />
            <FormattedMessage id="tokens.revokeAll" defaultMessage="Revoke all…" />
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setDialog('issue')} disabled={!batchInfo}>
            <Icon name="ticket" />
            <FormattedMessage id="tokens.issue" defaultMessage="Issue tokens" />
          </button>
        </div>
      </div>
      <p className="muted tokens-help">
<FormattedMessage id="tokens.help" defaultMessage="A token is what a label’s QR code carries: a device presents it (as its provision key and secret) to provision. <strong>Active</strong> can still be used, <strong>used</strong> provisioned its device, <strong>locked</strong> saw too many wrong PINs and waits, <strong>expired</strong> and <strong>revoked</strong> no longer work." values={{ strong: (text) => <strong>{text}</strong> }} />
      </p>
      {snapshot.error && <ErrorNotice error={snapshot.error} onRetry={reload} />}
      <VirtualTable
        label={intl.formatMessage({ id: 'tokens.tableLabel', defaultMessage: 'Tokens of batch {batch}' }, { batch })}
        className="tokens-table"
        columns={columns}
        count={shown.length}
        rowAt={(i) => shown[i]!}
        keyAt={(i) => shown[i]!.id}
        onRowClick={onRow}
        selectedKey={openId}
        maxHeight={560}
        empty={
          snapshot.phase === 'loading' ? (
            <span className="muted"><FormattedMessage id="tokens.loading" defaultMessage="Loading tokens…" /></span>
          ) : all.length === 0 ? (
            <div className="empty-state">
              <strong><FormattedMessage id="tokens.emptyTitle" defaultMessage="No tokens yet." /></strong>
              <span><FormattedMessage id="tokens.emptyText" defaultMessage="Issue one per device to print a label for each, or one group token for devices that enrol themselves." /></span>
              <button type="button" className="btn btn-primary" onClick={() => setDialog('issue')} disabled={!batchInfo}>
                <FormattedMessage id="tokens.issue" defaultMessage="Issue tokens" />
              </button>
            </div>
          ) : (
            <span className="muted">
              {only
                ? <FormattedMessage id="tokens.noneInState" defaultMessage="No tokens in the state “{state}”." values={{ state: tokenStateLabel(only) }} />
                : <FormattedMessage id="tokens.none" defaultMessage="No tokens." />}
            </span>
          )
        }
      />
      {dialog === 'issue' && (
        <IssueTokensDialog
          batch={batch}
          devices="all"
          allowGroup
          onClose={() => setDialog(null)}
          onIssued={reload}
          onPrint={() => {
            setLabelSelection(null);
            navigate({ screen: 'labels', batch, device: null });
          }}
        />
      )}
      {dialog === 'revoke' && <RevokeTokensDialog batch={batch} tokens={revocable} wholeBatch onClose={() => setDialog(null)} />}
      {openId !== null && (
        <TokenDialog
          id={openId}
          view={all.find((t) => t.id === openId) ?? null}
          onClose={() => setOpenId(null)}
          onReissued={(next) => {
            reload();
            setOpenId(next);
          }}
          onPrint={(device) => {
            setLabelSelection(device ? { batch, devices: [device] } : null);
            navigate({ screen: 'labels', batch, device: null });
          }}
        />
      )}
    </section>
  );
}
