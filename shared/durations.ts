const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

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
