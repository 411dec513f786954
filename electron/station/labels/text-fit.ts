/** Width of `text` at `sizePt`, in the same unit as the width it must fit. */
export type Measure = (text: string, sizePt: number) => number;

export interface FittedLine {
  text: string;
  sizePt: number;
}

/** Identifiers may shrink to this share of the template's font size before they are cut. */
const MIN_SHRINK = 0.7;

/**
 * Makes one line fit `maxWidth`: optionally shrinks it first, then cuts it and appends `ellipsis`,
 * so the reader can tell the line was cut.
 */
export function fitLine(text: string, maxWidth: number, sizePt: number, measure: Measure, options: { shrinkFirst: boolean; ellipsis: string }): FittedLine {
  const width = measure(text, sizePt);
  if (width <= maxWidth) return { text, sizePt };
  if (options.shrinkFirst) {
    // A hair under the exact ratio, or rounding can leave the shrunk line a fraction too wide.
    const shrunk = sizePt * Math.max(MIN_SHRINK, (maxWidth / width) * 0.999);
    if (measure(text, shrunk) <= maxWidth) return { text, sizePt: shrunk };
    sizePt *= MIN_SHRINK;
  }
  // Longest prefix that fits with the ellipsis; binary search, since width grows with length.
  // Cut by code point so a surrogate pair is never split.
  const chars = Array.from(text);
  const cut = (n: number) => chars.slice(0, n).join('').trimEnd() + options.ellipsis;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(cut(mid), sizePt) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return { text: low === 0 ? '' : cut(low), sizePt };
}
