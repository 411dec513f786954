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
  /** True when the station described the layout; false when it was inferred from the page and label sizes. */
  exact: boolean;
}

/** The layout part of a template file, if the station includes it in `labels.templates` (not in the contract yet). */
interface Layout {
  grid?: { cols: number; rows: number; originMm: Point; pitchMm: Point };
  qrMm: { x: number; y: number; size: number };
  text: { boxMm: { x: number; y: number; width: number; height: number }; fontPt: number };
  cornerRadiusMm?: number;
}

function layoutOf(t: LabelTemplateInfo): Layout | null {
  const extra = t as LabelTemplateInfo & Partial<Layout> & { layout?: Layout };
  const candidate = extra.layout ?? (extra.qrMm && extra.text ? (extra as unknown as Layout) : null);
  return candidate && typeof candidate.qrMm?.size === 'number' && typeof candidate.text?.fontPt === 'number' ? candidate : null;
}

export function geometryOf(t: LabelTemplateInfo): Geometry {
  const { pageMm: page, labelMm: label } = t;
  const layout = layoutOf(t);
  const slots: Point[] = [];
  if (t.kind === 'roll') {
    slots.push({ x: 0, y: 0 });
  } else if (layout?.grid) {
    const g = layout.grid;
    for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) slots.push({ x: g.originMm.x + c * g.pitchMm.x, y: g.originMm.y + r * g.pitchMm.y });
  } else {
    // Sheets are laid out symmetrically: columns with a small gutter, rows touching, the grid centred on the page.
    let cols = Math.max(1, Math.floor(page.width / label.width));
    while (cols > 1 && t.labelsPerPage % cols !== 0) cols--;
    const rows = Math.max(1, Math.ceil(t.labelsPerPage / cols));
    const gutter = cols > 1 ? Math.max(0, Math.min(3.175, (page.width - cols * label.width) / (cols + 1))) : 0;
    const pitchX = label.width + gutter;
    const pitchY = rows * label.height <= page.height ? label.height : page.height / rows;
    const x0 = (page.width - ((cols - 1) * pitchX + label.width)) / 2;
    const y0 = (page.height - ((rows - 1) * pitchY + label.height)) / 2;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols && slots.length < t.labelsPerPage; c++) slots.push({ x: x0 + c * pitchX, y: y0 + r * pitchY });
  }
  if (layout) {
    return {
      page,
      label: { ...label, radius: layout.cornerRadiusMm ?? 1.5 },
      slots,
      qr: layout.qrMm,
      text: { ...layout.text.boxMm, fontPt: layout.text.fontPt },
      exact: true,
    };
  }
  // The QR code fills the label's height on the left, the text takes the rest (how every bundled stock is laid out).
  const margin = label.height * 0.04;
  const size = Math.min(label.height - 2 * margin, label.width * 0.6);
  const textX = margin + size + 1.5;
  return {
    page,
    label: { ...label, radius: 1.5 },
    slots,
    qr: { x: margin, y: margin, size },
    text: { x: textX, y: 2, width: Math.max(label.width - textX - 1.5, 5), height: label.height - 4, fontPt: Math.min(12, Math.max(6, label.height * 0.3)) },
    exact: false,
  };
}
