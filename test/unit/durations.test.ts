import { describe, expect, it } from 'vitest';
import { durationText, formatDuration, parseDuration } from '../../shared/durations.ts';

describe('durations for the profile inactivity timeout', () => {
  it('reads the units a technician types, a bare number as seconds', () => {
    expect(parseDuration('10m')).toEqual({ ok: true, ms: 600_000 });
    expect(parseDuration('1s')).toEqual({ ok: true, ms: 1000 });
    expect(parseDuration('1500ms')).toEqual({ ok: true, ms: 1500 });
    expect(parseDuration(' 2H ')).toEqual({ ok: true, ms: 7_200_000 });
    expect(parseDuration('90')).toEqual({ ok: true, ms: 90_000 });
    expect(parseDuration('soon')).toMatchObject({ ok: false, message: expect.stringContaining("'soon'") });
    expect(parseDuration('-5m').ok).toBe(false);
  });

  it('writes a timeout back as text that reads the same, and for people', () => {
    for (const ms of [600_000, 1000, 1500, 90_000, 86_400_000, 3_600_000 + 1000]) {
      expect(parseDuration(durationText(ms))).toEqual({ ok: true, ms });
    }
    expect(durationText(600_000)).toBe('10m');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(1500)).toBe('1.5 s');
  });
});
