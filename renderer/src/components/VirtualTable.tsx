import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, type KeyboardEvent, memo, type ReactNode, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useIntl } from 'react-intl';
import { fitColumns } from './column-fit.ts';
import { Icon } from './Icon.tsx';

export interface Column<T> {
  id: string;
  /** Text, or a control (a select-all checkbox) that carries its own accessible name. */
  header: ReactNode;
  /** A CSS grid track: `minmax(12rem, 2fr)`, `7rem`. */
  width: string;
  cell: (row: T) => ReactNode;
  align?: 'end';
  /**
   * When the table is too narrow for every column (a tablet, a phone, a drawer beside it), columns with a priority
   * give way, the highest number first; columns without one always stay. What a dropped column showed stays one
   * Enter away, in the row's details.
   */
  priority?: number;
}

export interface SortState {
  column: string;
  direction: 'asc' | 'desc';
}

interface Props<T> {
  label: string;
  columns: readonly Column<T>[];
  count: number;
  rowAt: (index: number) => T;
  keyAt: (index: number) => string | number;
  rowHeight?: number;
  /** Sortable tables: the current sort, and what a click on a header does. */
  sort?: SortState;
  sortable?: ReadonlySet<string>;
  onSort?: (column: string) => void;
  /** Click, Enter or Space on a row; keep it stable (useCallback) or every row re-renders. */
  onRowClick?: (row: T) => void;
  selectedKey?: string | number | null;
  /** Space on a row calls this instead of onRowClick (selection for bulk actions); Enter still opens. */
  onRowToggle?: (row: T) => void;
  /** A row to draw attention to (the device of a scanned label): marked, and it flashes when it gets the mark. */
  highlightKey?: string | number | null;
  /** Scrolls row `index` into the middle of the view whenever `nonce` changes. */
  reveal?: { index: number; nonce: number } | null;
  empty?: ReactNode;
  className?: string;
  /** Grow with the rows up to this height (px), then scroll; without it the table fills what CSS gives it. */
  maxHeight?: number;
}

const headerHeight = 38;
/** Touch targets: at least 44 px where the pointer is a finger (WCAG 2.5.5), rows included (plus their 1 px rule). */
const touchRowHeight = 45;
const coarseQuery = '(pointer: coarse)';
const subscribeCoarse = (listener: () => void) => {
  const media = window.matchMedia(coarseQuery);
  media.addEventListener('change', listener);
  return () => media.removeEventListener('change', listener);
};
const isCoarse = () => window.matchMedia(coarseQuery).matches;

/** The width of an element's content box, following it as the window or the layout changes. */
function useWidth(ref: { current: HTMLElement | null }): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry!.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * A grid that renders only the rows in view (@tanstack/react-virtual), with fixed row heights (no measuring, so
 * 100,000 rows scroll smoothly). ARIA grid semantics and one tab stop: ↑ ↓ PageUp PageDown Home End move between
 * rows, Enter opens one, as in a spreadsheet or a mail client's message list.
 */
export function VirtualTable<T>(props: Props<T>) {
  const { count, sort, sortable, onSort, onRowClick, onRowToggle, reveal } = props;
  const coarse = useSyncExternalStore(subscribeCoarse, isCoarse);
  // Cells format times and numbers outside React's context (components/time.tsx): a row must render again when the
  // language changes, or it keeps the old language's "02:03:18 PM" until its data changes.
  const { locale } = useIntl();
  const rowHeight = Math.max(props.rowHeight ?? 40, coarse ? touchRowHeight : 0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = useMemo(() => {
    if (width === 0) return props.columns;
    const remPx = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    return fitColumns(props.columns, width, remPx);
  }, [props.columns, width]);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    getItemKey: props.keyAt,
    scrollPaddingStart: headerHeight,
  });
  const items = virtualizer.getVirtualItems();
  const current = Math.min(active, Math.max(count - 1, 0));
  // The one row reachable by Tab: the active one if it is rendered, else the first rendered.
  const tabbable = items.some((i) => i.index === current) ? current : (items[0]?.index ?? -1);

  const revealIndex = reveal?.index;
  const revealNonce = reveal?.nonce;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the nonce is the request; the virtualizer is stable per table
  useEffect(() => {
    if (revealIndex === undefined || revealIndex < 0 || revealIndex >= count) return;
    setActive(revealIndex);
    virtualizer.scrollToIndex(revealIndex, { align: 'center' });
  }, [revealIndex, revealNonce]);

  useEffect(() => {
    if (!focusPending.current) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${current}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  const move = (to: number) => {
    const next = Math.max(0, Math.min(count - 1, to));
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 1);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (!target.matches('[data-row-index]') || count === 0) return;
    let to: number;
    switch (event.key) {
      case 'ArrowDown':
        to = current + 1;
        break;
      case 'ArrowUp':
        to = current - 1;
        break;
      case 'PageDown':
        to = current + page;
        break;
      case 'PageUp':
        to = current - page;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = count - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    move(to);
  };

  const template = { '--cols': columns.map((c) => c.width).join(' ') } as CSSProperties;
  if (props.maxHeight !== undefined && count > 0) template.height = Math.min(props.maxHeight, headerHeight + count * rowHeight);

  return (
    <div
      ref={scrollRef}
      className={`vtable ${props.className ?? ''}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={count + 1}
      aria-readonly="true"
      style={template}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="vtable-head">
        <div role="row" aria-rowindex={1} className="vtable-row" tabIndex={-1}>
          {columns.map((c) => {
            const canSort = sortable?.has(c.id) && onSort;
            const on = sort?.column === c.id;
            return (
              <div
                key={c.id}
                role="columnheader"
                tabIndex={-1}
                className={`vtable-cell${c.align === 'end' ? ' align-end' : ''}`}
                aria-sort={on ? (sort.direction === 'asc' ? 'ascending' : 'descending') : canSort ? 'none' : undefined}
              >
                {canSort ? (
                  <button type="button" className={`sort-button${on ? ' is-active' : ''}`} onClick={() => onSort(c.id)}>
                    {c.header}
                    <Icon name={on ? (sort.direction === 'asc' ? 'arrowUp' : 'arrowDown') : 'sort'} size={13} />
                  </button>
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      {count === 0 ? (
        <div className="vtable-empty">{props.empty}</div>
      ) : (
        <div role="rowgroup" className="vtable-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = props.rowAt(item.index);
            return (
              <Row
                key={item.key}
                row={row}
                index={item.index}
                top={item.start}
                height={rowHeight}
                columns={columns}
                locale={locale}
                selected={props.selectedKey === props.keyAt(item.index)}
                highlighted={props.highlightKey != null && props.highlightKey === props.keyAt(item.index)}
                tabbable={item.index === tabbable}
                onClick={onRowClick}
                onToggle={onRowToggle}
                onFocus={setActive}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}

interface RowProps<T> {
  row: T;
  index: number;
  top: number;
  height: number;
  columns: readonly Column<T>[];
  /** The language the cells are written in (only compared: see VirtualTable). */
  locale: string;
  selected: boolean;
  highlighted: boolean;
  tabbable: boolean;
  onClick?: (row: T) => void;
  onToggle?: (row: T) => void;
  onFocus: (index: number) => void;
}

function RowImpl<T>({ row, index, top, height, columns, selected, highlighted, tabbable, onClick, onToggle, onFocus }: RowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-row-index={index}
      tabIndex={tabbable ? 0 : -1}
      className={`vtable-row${selected ? ' is-selected' : ''}${highlighted ? ' is-highlighted' : ''}${onClick ? ' is-clickable' : ''}`}
      data-highlighted={highlighted || undefined}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={onClick ? () => onClick(row) : undefined}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (onToggle && event.key === ' ') {
          event.preventDefault();
          onToggle(row);
        } else if (onClick && (event.key === 'Enter' || event.key === ' ')) {
          event.preventDefault();
          onClick(row);
        }
      }}
      onFocus={() => onFocus(index)}
    >
      {columns.map((c) => (
        <div key={c.id} role="gridcell" tabIndex={-1} className={`vtable-cell${c.align === 'end' ? ' align-end' : ''}`}>
          {c.cell(row)}
        </div>
      ))}
    </div>
  );
}

// Only rows whose data, place, selection or tab stop changed render again: a live update touches a row or two.
const Row = memo(
  RowImpl,
  (a, b) =>
    a.row === b.row &&
    a.top === b.top &&
    a.selected === b.selected &&
    a.highlighted === b.highlighted &&
    a.tabbable === b.tabbable &&
    a.onToggle === b.onToggle &&
    a.columns === b.columns &&
    a.locale === b.locale &&
    a.index === b.index &&
    a.onClick === b.onClick,
) as typeof RowImpl;
