/**
 * Whether JSON text opens more than `max` arrays/objects at once (brackets inside strings do not count). One pass
 * over the bytes, before JSON.parse: megabytes of `[[[…` would otherwise build millions of arrays first.
 */
export function nestsDeeperThan(body: Uint8Array, max: number): boolean {
  const scan = depthScanner(max);
  return scan(body);
}

/**
 * The same check fed piece by piece, as a request body arrives: each chunk is scanned in its own turn of the event
 * loop, so a body of megabytes is not scanned in one block after it has all come in. Returns true (and keeps
 * returning true) once the text has gone deeper than `max`.
 */
export function depthScanner(max: number): (chunk: Uint8Array) => boolean {
  let depth = 0;
  let inString = false;
  // A backslash that ended the previous chunk: the next chunk's first byte is the escaped character.
  let escaped = false;
  let deeper = false;
  return (chunk) => {
    if (deeper) return true;
    let i = 0;
    if (escaped) {
      escaped = false;
      i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (c === 0x5c) {
          if (i + 1 === chunk.length) escaped = true;
          i++; // backslash: skip the escaped character
        } else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > max) {
          deeper = true;
          return true;
        }
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
    return false;
  };
}
