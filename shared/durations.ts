const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * An expiry given as a duration from now (`90m`, `12h`, `30d`, `2w`) or an ISO-8601 time. Returns Unix ms, or a
 * plain message saying what was expected.
 */
export function parseExpiry(text: string, now: number): { ok: true; at: number } | { ok: false; message: string } {
  const duration = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (duration) return { ok: true, at: now + Number(duration[1]) * units[duration[2]!.toLowerCase()]! };
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (!Number.isNaN(at)) {
      return at > now ? { ok: true, at } : { ok: false, message: `the expiry ${text} is already in the past` };
    }
  }
  return { ok: false, message: `cannot read '${text}' as an expiry: use a duration like 30d, 12h, 90m or an ISO-8601 time` };
}

/**
 * A length of time (`1500ms`, `90s`, `10m`, `2h`, `1d`, `1w`) in milliseconds, or a plain message saying what was
 * expected. A bare number is seconds, as in ThingsBoard's profile settings.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const match = /^(\d+)\s*(ms|[smhdw])?$/i.exec(text.trim());
  if (match) return { ok: true, ms: Number(match[1]) * units[(match[2] ?? 's').toLowerCase()]! };
  return { ok: false, message: `cannot read '${text}' as a duration: use a number with a unit, like 90s, 10m or 2h` };
}

/** A duration for people: `10 min`, `1.5 s`, `2 h`. */
export function formatDuration(ms: number): string {
  const steps: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of steps) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${ms} ms`;
}

/** The shortest text parseDuration reads back to exactly `ms`: `10m`, `90s`, `1500ms`. */
export function durationText(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= units[unit]! && ms % units[unit]! === 0) return `${ms / units[unit]!}${unit}`;
  }
  return `${ms}ms`;
}
