import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Batch } from '../../../../shared/batches.ts';
import type { Device } from '../../../../shared/devices.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import type { Route } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { announce } from '../../components/Announcer.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import { csvFileName, devicesCsv } from '../../data/csv-export.ts';
import { setLabelSelection } from '../../data/label-selection.ts';
import { DeviceDrawer } from '../devices/DeviceDrawer.tsx';
import { DeviceFilterBar, useDeviceFilters } from '../devices/DeviceFilters.tsx';
import { batchColumns } from './columns.tsx';
import { IssueTokensDialog } from './IssueTokensDialog.tsx';
import { RemoveDevicesDialog } from './RemoveDevicesDialog.tsx';
import { RevokeTokensDialog } from './RevokeTokensDialog.tsx';
import { Scanner } from './Scanner.tsx';

interface Props {
  batch: string;
  batchInfo: Batch | null;
  expected: number;
  tokenByDevice: ReadonlyMap<string, TokenView>;
  openDevice: string | null;
  onOpen: (device: string | null) => void;
  onImport: () => void;
  onTokens: () => void;
  navigate: (r: Route) => void;
}

/** A batch's devices, live: scan a label to find one, select rows for bulk actions, open one in the drawer. */
export function BatchDevices({ batch, batchInfo, expected, tokenByDevice, openDevice, onOpen, onImport, onTokens, navigate }: Props) {
  const { devices } = useStation();
  const snap = useSyncExternalStore(devices.subscribe, devices.getSnapshot);
  useEffect(() => devices.ensureLoaded(expected), [devices, expected]);

  const filters = useDeviceFilters(devices, snap, batch);
  const { deferredQuery, filtered, clear } = filters;
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [highlight, setHighlight] = useState<{ id: number; nonce: number } | null>(null);
  const [drawerFocus, setDrawerFocus] = useState(true);
  const [dialog, setDialog] = useState<'issue' | 'revoke' | 'remove' | null>(null);
  const intl = useIntl();

  // biome-ignore lint/correctness/useExhaustiveDependencies: the store mutates in place; the snapshot version says when
  const inBatch = useMemo(() => devices.rows.filter((d) => d.batch === batch), [devices, batch, snap.version]);

  const shownIds = useMemo(() => Array.from(filtered.positions, (at) => devices.rows[at]!.id), [filtered, devices]);
  const selectedRows = useMemo(() => inBatch.filter((d) => selected.has(d.id)), [inBatch, selected]);
  const shownSelected = shownIds.reduce((n, id) => n + (selected.has(id) ? 1 : 0), 0);

  const toggle = useCallback((d: Device) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(d.id)) next.delete(d.id);
      else next.add(d.id);
      return next;
    });
  }, []);
  const toggleAll = useCallback(() => {
    setSelected((s) => {
      const all = shownIds.length > 0 && shownIds.every((id) => s.has(id));
      const next = new Set(s);
      for (const id of shownIds) {
        if (all) next.delete(id);
        else next.add(id);
      }
      return next;
    });
  }, [shownIds]);

  const columns = useMemo(
    () =>
      batchColumns({
        isSelected: (d) => selected.has(d.id),
        toggle,
        allState: shownSelected === 0 ? 'none' : shownSelected === shownIds.length ? 'all' : 'some',
        toggleAll,
        tokenOf: (d) => tokenByDevice.get(d.name),
      }),
    [selected, toggle, toggleAll, shownSelected, shownIds.length, tokenByDevice],
  );

  const open = useCallback(
    (d: Device) => {
      setDrawerFocus(true);
      onOpen(d.name);
    },
    [onOpen],
  );

  // A scan: the row comes into view, flashes, and its drawer opens beside it, while the cursor stays in the scanner.
  const pendingReveal = useRef<number | null>(null);
  const onLocated = useCallback(
    (d: Device) => {
      if (d.batch !== batch) return;
      pendingReveal.current = d.id;
      clear();
      setHighlight({ id: d.id, nonce: Date.now() });
      setDrawerFocus(false);
      onOpen(d.name);
    },
    [batch, onOpen, clear],
  );
  const revealIndex = highlight ? shownIds.indexOf(highlight.id) : -1;
  const [reveal, setReveal] = useState<{ index: number; nonce: number } | null>(null);
  // Once per scan, as soon as the row is in the (unfiltered) list: later live updates must not yank the view back.
  useEffect(() => {
    if (highlight && revealIndex >= 0 && pendingReveal.current === highlight.id) {
      pendingReveal.current = null;
      setReveal({ index: revealIndex, nonce: highlight.nonce });
    }
  }, [highlight, revealIndex]);

  // The whole batch selected is the whole batch: no list of 10,000 names to carry to the Labels screen.
  const printLabels = useCallback(() => {
    const some = selectedRows.length > 0 && selectedRows.length < inBatch.length;
    setLabelSelection(some ? { batch, devices: selectedRows.map((d) => d.name) } : null);
    navigate({ screen: 'labels', batch, device: null });
  }, [batch, navigate, selectedRows, inBatch.length]);
  useEffect(() => {
    const onPrint = (e: Event) => {
      e.preventDefault();
      printLabels();
    };
    window.addEventListener('fieldstation:print-selection', onPrint);
    return () => window.removeEventListener('fieldstation:print-selection', onPrint);
  }, [printLabels]);

  const exportCsv = () => {
    const rows = selectedRows.length ? selectedRows : shownIds.map((id) => devices.get(id)!);
    downloadBlob(csvFileName(batch), new Blob([devicesCsv(rows)], { type: 'text/csv;charset=utf-8' }));
    announce(intl.formatMessage({ id: 'batch.devices.exported', defaultMessage: 'Exported {count, plural, one {# device} other {# devices}} as CSV' }, { count: rows.length }));
  };

  const total = inBatch.length;
  const loading = snap.phase === 'loading' && total === 0;
  const searching = deferredQuery.trim() !== '';
  const selectedTokens = selectedRows.map((d) => tokenByDevice.get(d.name)).filter((t): t is TokenView => t !== undefined && (t.state === 'active' || t.state === 'locked'));
  const n = selectedRows.length;

  return (
    <>
      <Scanner batch={batch} onLocated={onLocated} />
      <DeviceFilterBar filters={filters} searchLabel={intl.formatMessage({ id: 'batch.devices.search', defaultMessage: 'Search this batch' })} total={total} countAttribute="data-batch-result-count" />
      <section className={`bulk-bar${n ? ' has-selection' : ''}`} aria-label={intl.formatMessage({ id: 'batch.devices.selected', defaultMessage: 'Selected devices' })}>
        <span className="bulk-count" data-selected-count={n}>
          {n ? (
<FormattedMessage id="batch.devices.selectedCount" defaultMessage="<strong>{count, number}</strong> selected" values={{ count: n, strong: (text) => <strong className="num">{text}</strong> }} />
          ) : (
            <span className="muted"><FormattedMessage id="batch.devices.selectHint" defaultMessage="Select devices (the boxes, or Space on a row) to act on them together." /></span>
          )}
        </span>
        <div className="bulk-actions">
          <button type="button" className="btn btn-small" onClick={() => setDialog('issue')} disabled={n === 0}>
            <Icon name="ticket" size={14} />
            <FormattedMessage id="batch.devices.issue" defaultMessage="Issue tokens" />
          </button>
          <button type="button" className="btn btn-small" onClick={() => setDialog('revoke')} disabled={selectedTokens.length === 0}>
            <Icon name="ban" size={14} />
            <FormattedMessage id="batch.devices.revoke" defaultMessage="Revoke tokens" />
          </button>
          <button type="button" className="btn btn-small" onClick={printLabels} disabled={n === 0} title={intl.formatMessage({ id: 'batch.devices.printKey', defaultMessage: 'Print labels (p)' })}>
            <Icon name="printer" size={14} />
            <FormattedMessage id="batch.devices.print" defaultMessage="Print labels" />
          </button>
          <button type="button" className="btn btn-small" onClick={exportCsv} disabled={n === 0 && shownIds.length === 0}>
            <Icon name="download" size={14} />
            {n ? <FormattedMessage id="batch.devices.exportCsv" defaultMessage="Export CSV" /> : <FormattedMessage id="batch.devices.exportShown" defaultMessage="Export shown as CSV" />}
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={() => setDialog('remove')} disabled={n === 0}>
            <Icon name="close" size={14} />
            <FormattedMessage id="batchDevices.remove" defaultMessage="Remove…" />
          </button>
          {n > 0 && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setSelected(new Set())}>
<FormattedMessage id="batch.devices.clearSelection" defaultMessage="Clear selection" />
            </button>
          )}
        </div>
      </section>
      {snap.error && <ErrorNotice error={snap.error} onRetry={() => devices.ensureLoaded(expected)} retryLabel={intl.formatMessage({ id: 'common.loadAgain', defaultMessage: 'Load again' })} />}
      <VirtualTable
        {...filters.table}
        label={intl.formatMessage({ id: 'batch.devices.tableLabel', defaultMessage: 'Devices of batch {batch}' }, { batch })}
        className="devices-table batch-devices-table"
        columns={columns}
        onRowClick={open}
        onRowToggle={toggle}
        selectedKey={openDevice ? (devices.idOf(openDevice) ?? null) : null}
        highlightKey={highlight?.id ?? null}
        reveal={reveal}
        empty={
          loading ? (
            <span className="muted"><FormattedMessage id="batch.devices.loading" defaultMessage="Loading devices…" /></span>
          ) : total === 0 ? (
            <div className="empty-state">
              <strong><FormattedMessage id="batch.devices.emptyTitle" defaultMessage="No devices in this batch yet." /></strong>
              <span>
                {batchInfo?.profile
                  ? <FormattedMessage id="batch.devices.emptyTextGroup" defaultMessage="Import the device list (CSV or JSON) to add them all at once, or let devices create themselves with a group token." />
                  : <FormattedMessage id="batch.devices.emptyText" defaultMessage="Import the device list (CSV or JSON) to add them all at once." />}
              </span>
              <div className="form-actions">
                <button type="button" className="btn btn-primary" onClick={onImport}>
                  <Icon name="upload" />
                  <FormattedMessage id="batch.devices.import" defaultMessage="Import devices" />
                </button>
                <button type="button" className="btn" onClick={onTokens}>
<FormattedMessage id="batch.devices.groupToken" defaultMessage="Issue a group token" />
                </button>
              </div>
            </div>
          ) : (
            <div className="empty-state">
              <strong>
                {searching
                  ? <FormattedMessage id="batch.devices.noMatchQuery" defaultMessage="No device matches “{query}”." values={{ query: deferredQuery.trim() }} />
                  : <FormattedMessage id="batch.devices.noMatch" defaultMessage="No device matches." />}
              </strong>
              <button type="button" className="btn" onClick={clear}>
<FormattedMessage id="batch.devices.clearFilter" defaultMessage="Clear search and filter" />
              </button>
            </div>
          )
        }
      />
      {openDevice && (
        <DeviceDrawer name={openDevice} onClose={() => onOpen(null)} focusOnOpen={drawerFocus} token={tokenByDevice.get(openDevice) ?? null} />
      )}
      {dialog === 'issue' && (
        <IssueTokensDialog
          batch={batch}
          devices={selectedRows}
          wholeBatch={selectedRows.length === total}
          onClose={() => setDialog(null)}
          onPrint={printLabels}
        />
      )}
      {dialog === 'remove' && (
        <RemoveDevicesDialog
          target={{ names: selectedRows.map((d) => d.name) }}
          onClose={() => setDialog(null)}
          onRemoved={() => {
            setDialog(null);
            setSelected(new Set());
            if (openDevice && selectedRows.some((d) => d.name === openDevice)) onOpen(null);
            devices.reload(null);
          }}
        />
      )}
      {dialog === 'revoke' && <RevokeTokensDialog batch={batch} tokens={selectedTokens} wholeBatch={n === total} onClose={() => setDialog(null)} />}
    </>
  );
}
