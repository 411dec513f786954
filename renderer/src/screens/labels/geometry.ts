import type { LabelTemplateInfo } from '../../../../shared/labels.ts';

type Point = { x: number; y: number };

/** Where things sit on a page and on a label, in millimetres (the template's own numbers when the station gives them). */
export interface Geometry {
  page: { width: number; height: number };
  label: { width: number; height: number; radius: number };
  /** Top-left corner of each slot on the page, row by row. */
  slots: Point[];
  qr: { x: number; y: number; size: number };
  text: { x: number; y: number; width: number; height: number; fontPt: number };
}


/** The station's own layout of the template (labels.templates), the same numbers the PDF renderer uses. */
export function geometryOf(t: LabelTemplateInfo): Geometry {
  const { pageMm: page, labelMm: label, layout } = t;
  const slots: Point[] = [];
  const g = layout.grid;
  if (t.kind === 'roll' || !g) slots.push({ x: 0, y: 0 });
  else for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) slots.push({ x: g.originMm.x + c * g.pitchMm.x, y: g.originMm.y + r * g.pitchMm.y });
  return {
    page,
    label: { ...label, radius: layout.cornerRadiusMm ?? 1.5 },
    slots,
    qr: layout.qrMm,
    text: { ...layout.text.boxMm, fontPt: layout.text.fontPt },
  };
}
