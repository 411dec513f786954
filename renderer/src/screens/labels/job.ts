import type { LabelEcc, LabelJobInput, LabelOffset, PayloadKind } from '../../../../shared/labels.ts';

/** Everything the Labels screen lets the technician choose, as one value. */
export interface LabelChoices {
  batch: string;
  template: string;
  payload: PayloadKind;
  ecc: LabelEcc;
  dpi: number | undefined;
  /** Reprint these devices only (a selection from the batch). */
  devices: readonly string[] | null;
  pendingOnly: boolean;
  unprintedOnly: boolean;
  skipMissing: boolean;
  group: boolean;
  copies: number;
  offset: LabelOffset;
  skip: number;
  outlines: boolean;
}

export function jobOf(c: LabelChoices): LabelJobInput {
  return {
    batch: c.batch,
    template: c.template,
    payload: c.payload,
    ecc: c.ecc,
    ...(c.dpi === undefined ? {} : { dpi: c.dpi }),
    selection: {
      ...(c.devices ? { devices: [...c.devices] } : {}),
      ...(c.pendingOnly ? { state: 'pending' as const } : {}),
      unprintedOnly: c.unprintedOnly,
      skipMissing: c.skipMissing,
    },
    group: c.group,
    copies: c.copies,
    offset: c.offset,
    skip: c.skip,
    outlines: c.outlines,
  };
}

/**
 * The same job as `GET /api/labels.pdf` query parameters (the station's jobFromQuery reads these names). Device
 * names without commas travel as one `devices=a,b`, others as repeated `device=`.
 */
export function jobQuery(c: LabelChoices, extra: Record<string, string> = {}): URLSearchParams {
  const q = new URLSearchParams({ batch: c.batch, template: c.template, payload: c.payload, ecc: c.ecc });
  if (c.dpi !== undefined) q.set('dpi', String(c.dpi));
  if (c.devices) {
    const plain = c.devices.filter((d) => !d.includes(','));
    if (plain.length) q.set('devices', plain.join(','));
    for (const d of c.devices) if (d.includes(',')) q.append('device', d);
  }
  if (c.pendingOnly) q.set('state', 'pending');
  if (c.unprintedOnly) q.set('unprintedOnly', '1');
  if (c.skipMissing) q.set('skipMissing', '1');
  if (c.group) q.set('group', '1');
  if (c.group || c.copies > 1) q.set('copies', String(c.copies));
  q.set('offsetX', String(c.offset.x));
  q.set('offsetY', String(c.offset.y));
  if (c.skip) q.set('skip', String(c.skip));
  if (c.outlines) q.set('outlines', '1');
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

// The station's HTTP server reads request heads up to 16 KB; the desktop bridge takes URLs up to 8 KB.
export const maxUrlLength = 8000;
