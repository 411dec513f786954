import type { LabelOffset } from '../../../shared/labels.ts';
import type { Db } from '../store/database.ts';

/*
 * Printer offsets per template: every printer feeds paper a little differently, so the technician measures the
 * nudge once (a test print with outlines, held against the stock) and every later render applies it. They live
 * in `settings` because they belong to this station's printers, not to any batch.
 */

const keyOf = (template: string) => `labels.offset.${template}`;
const ZERO: LabelOffset = { x: 0, y: 0 };

export function createLabelOffsets(db: Db) {
  const read = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM settings WHERE key = ?');

  return {
    /** The remembered offset of `template`, zero when none was set (or the stored value is unreadable). */
    get(template: string): LabelOffset {
      const raw = read.get(keyOf(template)) as string | undefined;
      if (raw === undefined) return ZERO;
      try {
        const { x, y } = JSON.parse(raw) as Partial<LabelOffset>;
        return typeof x === 'number' && typeof y === 'number' ? { x, y } : ZERO;
      } catch {
        return ZERO;
      }
    },

    /** Remembers the offset; zero removes the row, so "no offset" has one representation. */
    set(template: string, offset: LabelOffset): LabelOffset {
      // Hundredths of a millimetre: finer than any print head (0.085 mm a dot at 300 dpi), and no float noise.
      const rounded = { x: Math.round(offset.x * 100) / 100, y: Math.round(offset.y * 100) / 100 };
      if (rounded.x === 0 && rounded.y === 0) remove.run(keyOf(template));
      else write.run(keyOf(template), JSON.stringify(rounded));
      return rounded;
    },
  };
}
export type LabelOffsets = ReturnType<typeof createLabelOffsets>;
