// Where the window opens: the saved bounds when they are still on a screen, clamped to it; else
// centred on the primary display. Pure, so it is tested without Electron's `screen`.
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WindowState = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const defaultWindowSize = { width: 1280, height: 800 } as const;
export const minimumWindowSize = { width: 800, height: 560 } as const;
/** A window counts as visible if at least this much of it (its title bar, say) lies on one display. */
const minVisible = { width: 120, height: 40 };

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

function fitInto(size: { width: number; height: number }, area: Rect, at?: { x: number; y: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  const x = at ? clamp(at.x, area.x, area.x + area.width - width) : area.x + Math.round((area.width - width) / 2);
  const y = at ? clamp(at.y, area.y, area.y + area.height - height) : area.y + Math.round((area.height - height) / 2);
  return { x, y, width, height };
}

/**
 * @param saved what was stored last time, if anything (a monitor may have gone since)
 * @param workAreas each display's work area, the primary display's first
 */
export function placeWindow(saved: Rect | undefined, workAreas: readonly Rect[]): Rect | { width: number; height: number } {
  const primary = workAreas[0];
  if (!primary) return saved ? { width: saved.width, height: saved.height } : { ...defaultWindowSize };
  if (saved) {
    let best: { area: Rect; visible: number } | null = null;
    for (const area of workAreas) {
      const o = overlap(saved, area);
      if (o.width >= minVisible.width && o.height >= minVisible.height && (!best || o.width * o.height > best.visible)) {
        best = { area, visible: o.width * o.height };
      }
    }
    if (best) return fitInto(saved, best.area, saved);
    return fitInto(saved, primary);
  }
  return fitInto(defaultWindowSize, primary);
}
