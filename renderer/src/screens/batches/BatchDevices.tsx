import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { FormattedMessage } from 'react-intl';
import type { Batch } from '../../../../shared/batches.ts';
import type { Device } from '../../../../shared/devices.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import type { Route } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { announce } from '../../components/Announcer.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatCount } from '../../components/time.tsx';
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
    announce(`Exported ${rows.length} devices as CSV`);
  };

  const total = inBatch.length;
  const loading = snap.phase === 'loading' && total === 0;
  const searching = deferredQuery.trim() !== '';
  const selectedTokens = selectedRows.map((d) => tokenByDevice.get(d.name)).filter((t): t is TokenView => t !== undefined && (t.state === 'active' || t.state === 'locked'));
  const n = selectedRows.length;

  return (
    <>
      <Scanner batch={batch} onLocated={onLocated} />
      <DeviceFilterBar filters={filters} searchLabel="Search this batch" total={total} countAttribute="data-batch-result-count" />
      <section className={`bulk-bar${n ? ' has-selection' : ''}`} aria-label="Selected devices">
        <span className="bulk-count" data-selected-count={n}>
          {n ? (
            <>
              <strong className="num">{formatCount(n)}</strong> selected
            </>
          ) : (
            <span className="muted">Select devices (the boxes, or Space on a row) to act on them together.</span>
          )}
        </span>
        <div className="bulk-actions">
          <button type="button" className="btn btn-small" onClick={() => setDialog('issue')} disabled={n === 0}>
            <Icon name="ticket" size={14} />
            Issue tokens
          </button>
          <button type="button" className="btn btn-small" onClick={() => setDialog('revoke')} disabled={selectedTokens.length === 0}>
            <Icon name="ban" size={14} />
            Revoke tokens
          </button>
          <button type="button" className="btn btn-small" onClick={printLabels} disabled={n === 0} title="Print labels (p)">
            <Icon name="printer" size={14} />
            Print labels
          </button>
          <button type="button" className="btn btn-small" onClick={exportCsv} disabled={n === 0 && shownIds.length === 0}>
            <Icon name="download" size={14} />
            {n ? 'Export CSV' : 'Export shown as CSV'}
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={() => setDialog('remove')} disabled={n === 0}>
            <Icon name="close" size={14} />
            <FormattedMessage id="batchDevices.remove" defaultMessage="Remove…" />
          </button>
          {n > 0 && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          )}
        </div>
      </section>
      {snap.error && <ErrorNotice error={snap.error} onRetry={() => devices.ensureLoaded(expected)} retryLabel="Load again" />}
      <VirtualTable
        {...filters.table}
        label={`Devices of batch ${batch}`}
        className="devices-table batch-devices-table"
        columns={columns}
        onRowClick={open}
        onRowToggle={toggle}
        selectedKey={openDevice ? (devices.idOf(openDevice) ?? null) : null}
        highlightKey={highlight?.id ?? null}
        reveal={reveal}
        empty={
          loading ? (
            <span className="muted">Loading devices…</span>
          ) : total === 0 ? (
            <div className="empty-state">
              <strong>No devices in this batch yet.</strong>
              <span>
                Import the device list (CSV or JSON) to add them all at once
                {batchInfo?.profile ? <>, or let devices create themselves with a group token</> : null}.
              </span>
              <div className="form-actions">
                <button type="button" className="btn btn-primary" onClick={onImport}>
                  <Icon name="upload" />
                  Import devices
                </button>
                <button type="button" className="btn" onClick={onTokens}>
                  Issue a group token
                </button>
              </div>
            </div>
          ) : (
            <div className="empty-state">
              <strong>No device matches{searching ? ` “${deferredQuery.trim()}”` : ''}.</strong>
              <button type="button" className="btn" onClick={clear}>
                Clear search and filter
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
