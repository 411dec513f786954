/**
 * A value written into a CSV field so that the station's RFC 4180 reader gets it back exactly: quoted when it holds
 * the delimiter, a quote, a line break or edge spaces (the reader trims unquoted ones).
 */
export function encodeCsvValue(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
