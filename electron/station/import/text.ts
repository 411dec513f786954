/** Checks shared by every free-text value of a device list. */

/** Trimmed, or undefined when nothing is left: an empty cell means "not given". */
export function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function lengthProblem(column: string, value: string, max: number): string | null {
  // String length in UTF-16 units, as Java's String.length() counts for ThingsBoard's @Length.
  return value.length > max ? `${column} is ${value.length} characters long; the limit is ${max}` : null;
}

/**
 * Names, serials and credentials end up in labels, MQTT packets and URLs, where an invisible tab or line break
 * (usually pasted from a spreadsheet cell) makes a device that nobody can find or that never connects.
 */
export function controlCharacterProblem(column: string, value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      return `${column} contains a control character (${describeControl(c)}) at character ${i + 1}`;
    }
  }
  return null;
}

function describeControl(c: number): string {
  if (c === 0x09) return 'tab';
  if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return 'line break';
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
