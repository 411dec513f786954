import { useSyncExternalStore } from 'react';
import { useIntl } from 'react-intl';
import { getIntl } from '../i18n/intl.ts';

// One shared clock for every "2 min ago" on screen, ticking every 15 s.
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 15_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
export const useNow = () => useSyncExternalStore(subscribe, () => now);

// Dates, times and numbers in the chosen language's conventions (react-intl caches the Intl formatters).
export const formatClock = (iso: string) => getIntl().formatTime(iso, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const formatDateTime = (iso: string) => getIntl().formatDate(iso, { dateStyle: 'medium', timeStyle: 'medium' });
export const formatCount = (n: number) => getIntl().formatNumber(n);

export function relative(iso: string, nowMs: number): string {
  const intl = getIntl();
  const seconds = Math.round((nowMs - Date.parse(iso)) / 1000);
  if (seconds < 45) return intl.formatMessage({ id: 'time.justNow', defaultMessage: 'just now' });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return intl.formatRelativeTime(-minutes, 'minute', { style: 'short' });
  const hours = Math.round(minutes / 60);
  if (hours < 24) return intl.formatRelativeTime(-hours, 'hour', { style: 'short' });
  const days = Math.round(hours / 24);
  return days < 30 ? intl.formatRelativeTime(-days, 'day', { style: 'short' }) : formatDateTime(iso);
}

/** "3 min. ago" with the exact time on hover and for assistive technology. */
export function RelativeTime({ iso, empty }: { iso: string | null; empty?: string }) {
  const nowMs = useNow();
  const intl = useIntl();
  if (!iso) return <span className="muted">{empty ?? intl.formatMessage({ id: 'time.never', defaultMessage: 'never' })}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {relative(iso, nowMs)}
    </time>
  );
}

const spanUnits: [number, 'day' | 'hour' | 'minute' | 'second'][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
];

/** A duration in the largest whole-ish unit, in the chosen language: “1.5 hr”, “1,5 Std.”. */
export function formatSpan(ms: number): string {
  const intl = getIntl();
  for (const [size, unit] of spanUnits) {
    if (ms >= size) return intl.formatNumber(ms / size, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 });
  }
  return intl.formatNumber(ms, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' });
}
