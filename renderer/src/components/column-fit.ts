/**
 * Which columns of a table fit its width. A column with a `priority` gives way when the table is too narrow: the
 * highest number first (priority 1 is the last to go); a column without one always stays. Each column needs at least
 * the minimum of its CSS grid track (`7rem`, `minmax(9rem, 1fr)`, `120px`), as the grid would lay it out.
 */
export interface FitColumn {
  width: string;
  priority?: number;
}

/** The smallest width (px) a grid track can take: a fixed length, or the first argument of minmax(). */
export function trackMinPx(track: string, remPx: number): number {
  const min = /^\s*minmax\(\s*([^,]+),/.exec(track)?.[1] ?? track;
  const length = /^\s*([\d.]+)(rem|px|em)\s*$/.exec(min);
  if (!length) return 0;
  const value = Number(length[1]);
  return length[2] === 'px' ? value : value * remPx;
}

export function fitColumns<C extends FitColumn>(columns: readonly C[], available: number, remPx: number): readonly C[] {
  const need = (cs: readonly C[]) => cs.reduce((sum, c) => sum + trackMinPx(c.width, remPx), 0);
  let shown = columns;
  while (need(shown) > available) {
    const droppable = shown.filter((c) => c.priority !== undefined);
    if (droppable.length === 0) break;
    const drop = droppable.reduce((a, b) => (b.priority! >= a.priority! ? b : a));
    shown = shown.filter((c) => c !== drop);
  }
  return shown;
}
