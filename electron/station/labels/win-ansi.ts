// PDF's built-in Helvetica only has WinAnsiEncoding glyphs (PDF 32000-1, Annex D): Latin-1 plus these.
const WIN_ANSI_EXTRAS = new Set(Array.from('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'));

function isWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(ch);
}

/**
 * Text the built-in fonts can draw: accents outside Latin-1 fall back to the base letter (ő -> o),
 * anything else becomes '?', rather than pdfkit silently writing bytes that render as the wrong glyphs.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (isWinAnsi(ch)) {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    out += base.length > 0 && Array.from(base).every(isWinAnsi) ? base : '?';
  }
  return out;
}
