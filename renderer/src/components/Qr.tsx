import { create } from 'qrcode';
import { memo, useMemo } from 'react';

const quietZone = 4;

/** The QR symbol of `text` as one SVG path of dark modules (vector, crisp at any size, tiny in the DOM). */
export function qrPath(text: string, ecc: 'L' | 'M' | 'Q' | 'H' = 'M'): { d: string; size: number } {
  const { modules } = create(text, { errorCorrectionLevel: ecc });
  const n = modules.size;
  let d = '';
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      // Runs of dark modules on a row become one rectangle: a fifth of the path of one square per module.
      let end = x + 1;
      while (end < n && modules.get(y, end)) end++;
      d += `M${x + quietZone} ${y + quietZone}h${end - x}v1h${x - end}z`;
      x = end;
    }
  }
  return { d, size: n + 2 * quietZone };
}

/**
 * A QR code drawn by the renderer (the `qrcode` encoder runs in the browser), quiet zone included. `sizeCss` is
 * any CSS length: `46.8mm` on a true-scale label preview, `180px` on screen.
 */
export const Qr = memo(function Qr({ text, ecc = 'M', sizeCss, label }: { text: string; ecc?: 'M' | 'Q'; sizeCss: string; label?: string }) {
  const symbol = useMemo(() => {
    try {
      return qrPath(text, ecc);
    } catch {
      return null;
    }
  }, [text, ecc]);
  if (!symbol) return null;
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${symbol.size} ${symbol.size}`}
      width={sizeCss}
      height={sizeCss}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      shapeRendering="crispEdges"
    >
      <rect width={symbol.size} height={symbol.size} fill="#fff" />
      <path d={symbol.d} fill="#000" />
    </svg>
  );
});
