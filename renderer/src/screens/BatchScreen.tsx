import { defineMessages, FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { StationStatus } from '../../../shared/station.ts';
import type { TokenView } from '../../../shared/tokens.ts';
import { type BatchTab, type Route, routeHref } from '../app/route.ts';
import { useStation } from '../app/station.tsx';
import { BatchProgress } from '../components/BatchProgress.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatCount, formatDateTime } from '../components/time.tsx';
import { setLabelSelection } from '../data/label-selection.ts';
import { useLiveQuery } from '../data/use-live-query.ts';
import { SharedAttributesEditor } from './attributes/SharedAttributesEditor.tsx';
import { BatchActions } from './batches/BatchActions.tsx';
import { BatchDevices } from './batches/BatchDevices.tsx';
import { ImportHistory } from './batches/ImportHistory.tsx';
import { HandoverPanel } from './batches/handover/HandoverPanel.tsx';
import { ImportWizard } from './batches/ImportWizard.tsx';
import { TokensPanel } from './batches/TokensPanel.tsx';
import { labelLanguageName } from './batches/LabelLanguageField.tsx';

const tabTitles = defineMessages({
  devices: { id: 'batch.tab.devices', defaultMessage: 'Devices' },
  tokens: { id: 'batch.tab.tokens', defaultMessage: 'Tokens' },
  import: { id: 'batch.tab.import', defaultMessage: 'Import' },
  attributes: { id: 'batch.tab.attributes', defaultMessage: 'Attributes' },
  handover: { id: 'batch.tab.handover', defaultMessage: 'Hand-over' },
});
const tabs: readonly BatchTab[] = ['devices', 'tokens', 'import', 'attributes', 'handover'];

/** One batch: its devices (scan, select, act), its onboarding tokens, and importing its device list. */
export function BatchScreen({ status, route, navigate }: { status: StationStatus; route: Route; navigate: (r: Route) => void }) {
  const { api, batches, hub, devices } = useStation();
  const name = route.batch!;
  const tab = route.tab ?? 'devices';
  const intl = useIntl();
  const snap = useSyncExternalStore(batches.subscribe, batches.getSnapshot);
  useEffect(() => {
    void batches.load();
  }, [batches]);
  const batch = snap.value?.find((b) => b.name === name) ?? null;

  const [tokens, tokensQuery] = useLiveQuery(
    () => api['tokens.list']({ batch: name }),
    (schedule) => {
      const offs = [
        hub.on('changed', (e) => {
          if (e.entity === 'tokens' && (e.batch === name || e.batch === null)) schedule();
        }),
        // A redeemed token is used up, a wrong PIN counts towards its lock: both show in the token list.
        hub.on('device', (e) => {
          if (e.device.batch === name) schedule();
        }),
        hub.on('provision', schedule),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
    name,
  );

  // The current token of each device: the newest one issued to it.
  const tokenByDevice = useMemo(() => {
    const map = new Map<string, TokenView>();
    for (const t of tokens.value ?? []) {
      if (t.device === null) continue;
      const seen = map.get(t.device);
      if (!seen || seen.id < t.id) map.set(t.device, t);
    }
    return map;
  }, [tokens.value]);

  // `p` prints: the Devices tab sends its selection; from the other tabs, the whole batch.
  useEffect(() => {
    if (tab === 'devices') return;
    const print = (e: Event) => {
      e.preventDefault();
      setLabelSelection(null);
      navigate({ screen: 'labels', batch: name, device: null });
    };
    window.addEventListener('fieldstation:print-selection', print);
    return () => window.removeEventListener('fieldstation:print-selection', print);
  }, [tab, name, navigate]);

  const go = useCallback((next: BatchTab, device: string | null = null) => navigate({ screen: 'batches', batch: name, tab: next, device }), [navigate, name]);
  const expected = Object.values(status.counters.devices).reduce((n, v) => n + v, 0);

  if (snap.phase === 'ready' && !batch) {
    return (
      <section className="screen" aria-labelledby="batch-title">
        <h1 id="batch-title"><FormattedMessage id="batch.missing" defaultMessage="No batch named “{name}”" values={{ name }} /></h1>
        <p className="muted"><FormattedMessage id="batch.missingHint" defaultMessage="It may have been renamed. Pick it from the list of batches." /></p>
        <p>
          <a className="btn" href={routeHref({ screen: 'batches', device: null })}>
            <Icon name="chevronLeft" />
<FormattedMessage id="batch.allBatches" defaultMessage="All batches" />
          </a>
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="batch-title" className={`screen batch-screen${tab === 'devices' ? ' screen-fill' : ''}${tab === 'devices' && route.device ? ' has-drawer' : ''}`}>
      <header className="page-header batch-header">
        <div className="batch-heading">
          <a className="back-link" href={routeHref({ screen: 'batches', device: null })}>
            <Icon name="chevronLeft" size={14} />
            <FormattedMessage id="batch.back" defaultMessage="Batches" />
          </a>
          <h1 id="batch-title">{name}</h1>
          {batch && (
            <p className="page-subtitle">
              {batch.site ? <><FormattedMessage id="batch.site" defaultMessage="Site {site}" values={{ site: batch.site }} /> · </> : null}
              <FormattedMessage id="batch.profileCreated" defaultMessage="profile {profile} · created {created}" values={{ profile: batch.profile ?? intl.formatMessage({ id: 'batch.noProfile', defaultMessage: 'none' }), created: formatDateTime(batch.createdAt) }} />
              {' · '}
              <FormattedMessage id="batch.labelLanguage" defaultMessage="labels in {language}" values={{ language: labelLanguageName(intl, batch.language) }} />
              {batch.notes ? <> · {batch.notes}</> : null}
            </p>
          )}
        </div>
        {batch && (
          <div className="batch-header-progress">
            <BatchProgress counts={batch.counts} />
          </div>
        )}
        <BatchActions batch={name} info={batch} navigate={navigate} />
      </header>
      {snap.error && <ErrorNotice error={snap.error} onRetry={() => void batches.load()} />}
      <nav className="tabs" aria-label={intl.formatMessage({ id: 'batch.sections', defaultMessage: 'Batch sections' })}>
        {tabs.map((id) => (
          <a
            key={id}
            className="tab"
            href={routeHref({ screen: 'batches', batch: name, tab: id, device: null })}
            aria-current={tab === id ? 'page' : undefined}
          >
            {intl.formatMessage(tabTitles[id])}
            {id === 'devices' && batch && <span className="tab-count num">{formatCount(batch.counts.total)}</span>}
            {id === 'tokens' && tokens.value && <span className="tab-count num">{formatCount(tokens.value.length)}</span>}
          </a>
        ))}
      </nav>
      {tab === 'devices' && (
        <BatchDevices
          batch={name}
          batchInfo={batch}
          expected={expected}
          tokenByDevice={tokenByDevice}
          openDevice={route.device}
          onOpen={(device) => go('devices', device)}
          onImport={() => go('import')}
          onTokens={() => go('tokens')}
          navigate={navigate}
        />
      )}
      {tab === 'tokens' && <TokensPanel batch={name} batchInfo={batch} snapshot={tokens} reload={() => void tokensQuery.load()} navigate={navigate} />}
      {tab === 'attributes' && <SharedAttributesEditor level="batch" name={name} />}
      {tab === 'handover' && <HandoverPanel batch={name} batchInfo={batch} />}
      {tab === 'import' && <ImportHistory batch={name} />}
      {tab === 'import' && (
        <ImportWizard
          batch={name}
          profile={batch?.profile ?? null}
          onDone={() => {
            void batches.load();
            devices.reload(null);
          }}
          onShowDevices={() => go('devices')}
          onIssueTokens={() => go('tokens')}
        />
      )}
    </section>
  );
}
