import type { Device } from '../../../shared/devices.ts';

const columns: { header: string; value: (d: Device) => string | null }[] = [
  { header: 'name', value: (d) => d.name },
  { header: 'serial', value: (d) => d.serial },
  { header: 'mac', value: (d) => d.mac },
  { header: 'label', value: (d) => d.label },
  { header: 'batch', value: (d) => d.batch },
  { header: 'profile', value: (d) => d.profile },
  { header: 'state', value: (d) => d.state },
  { header: 'credentialsType', value: (d) => d.credentialsType },
  { header: 'provisionedVia', value: (d) => d.provisionedVia },
  { header: 'provisionedAt', value: (d) => d.provisionedAt },
  { header: 'lastSeenAt', value: (d) => d.lastSeenAt },
  { header: 'installedAt', value: (d) => d.installedAt },
  { header: 'locationNote', value: (d) => d.locationNote },
];

/**
 * One CSV cell (RFC 4180). A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: OWASP's advice against CSV injection, since device names come from files and devices.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The devices as a CSV file's text (header first, CRLF line ends as Excel writes them). Never carries a secret. */
export function devicesCsv(devices: readonly Device[]): string {
  const lines = [columns.map((c) => c.header).join(',')];
  for (const d of devices) lines.push(columns.map((c) => csvCell(c.value(d))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** `plant-room-2-devices-2025-05-01.csv`: safe on every file system. */
export function csvFileName(batch: string | null, now = new Date()): string {
  const stem = (batch ?? 'devices').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'devices';
  return `${stem}-devices-${now.toISOString().slice(0, 10)}.csv`;
}
