import { z } from 'zod';

/*
 * Label printing through the admin API: what a print job asks for, what the station answers. The engine's
 * labels/ folder implements it; the UI, the CLI and the download route (`GET /api/labels.pdf`) share these shapes.
 */

/** What the QR code carries: the compact token (default), a URL a phone camera opens, or JSON for firmware. */
export const PayloadKind = z.enum(['token', 'url', 'json']);
export type PayloadKind = z.infer<typeof PayloadKind>;

/** M (15% recoverable) by default; Q (25%) for labels that get scuffed, at the cost of a larger symbol. */
export const LabelEcc = z.enum(['M', 'Q']);
export type LabelEcc = z.infer<typeof LabelEcc>;

/** Where a printed label went: a PDF download or file, a ZPL file, or straight to a network printer. */
export const LabelOutput = z.enum(['pdf', 'zpl', 'printer']);
export type LabelOutput = z.infer<typeof LabelOutput>;

/** Which devices of the batch get a label; several conditions combine (AND). Labels come out in batch order. */
export const LabelSelection = z.object({
  /** These devices only (reprinting damaged labels); each must belong to the batch. */
  devices: z.array(z.string().min(1)).min(1).max(100_000).optional(),
  /** Devices that have not provisioned yet (failed, or never came up). */
  state: z.literal('pending').optional(),
  /** Devices whose current token's label was never printed. */
  unprintedOnly: z.boolean().default(false),
  /** Leave out devices without an active token instead of refusing the job. */
  skipMissing: z.boolean().default(false),
});
export type LabelSelection = z.infer<typeof LabelSelection>;

const Port = z.number().int().min(1).max(65_535);

/**
 * Where devices reach the station, for url and json payloads. Defaults: the serving station's own listeners,
 * else this computer's first LAN IPv4 address and the default ports (http 8080, mqtt 1883, coap 5683).
 */
export const StationAddress = z.object({
  host: z.string().trim().min(1).max(255).optional(),
  httpPort: Port.optional(),
  mqttPort: Port.optional(),
  coapPort: Port.optional(),
});

/** Printer nudge in mm (positive: right, down), measured from a test print held against the stock. */
export const LabelOffset = z.object({ x: z.number().min(-20).max(20), y: z.number().min(-20).max(20) });
export type LabelOffset = z.infer<typeof LabelOffset>;

export const LabelJob = z.object({
  batch: z.string().min(1),
  template: z.string().min(1),
  payload: PayloadKind.default('token'),
  ecc: LabelEcc.default('M'),
  /** Roll templates: the printer's head resolution (203 or 300); default the template's first. */
  dpi: z.number().int().positive().optional(),
  selection: LabelSelection.prefault({}),
  /** Print the batch's group token instead of per-device tokens (automatic for a batch without devices). */
  group: z.boolean().default(false),
  /** Labels per group token; with per-device tokens, copies of each device's label (one after the other). */
  copies: z.number().int().min(1).max(10_000).default(1),
  station: StationAddress.prefault({}),
  /** Overrides the template's remembered offset for this job. */
  offset: LabelOffset.optional(),
  /** Slots already used on the first sheet (a part-used sheet back in the printer). */
  skip: z.number().int().min(0).default(0),
  /** Draw each label's outline: a test print on plain paper, to measure the offset. */
  outlines: z.boolean().default(false),
});
export type LabelJob = z.infer<typeof LabelJob>;
export type LabelJobInput = z.input<typeof LabelJob>;

/** `labels.sendToPrinter`: the job as ZPL over raw TCP (port 9100) to a label printer. */
/** A client-chosen id for one print job: `labels.cancel` and `labels.markPrinted` name the job by it. */
export const LabelJobId = z.string().regex(/^[\w-]{8,64}$/, 'a job id is 8 to 64 letters, digits, - or _');

export const SendToPrinter = LabelJob.extend({
  /** The printer's address (not the station's: that is `station.host`). */
  host: z.string().trim().min(1).max(255),
  port: Port.default(9100),
  /** Print the job's first label only, to check position and scan; not recorded as printed. */
  test: z.boolean().default(false),
  /** Names the job for `labels.cancel` while it is sending. */
  job: LabelJobId.optional(),
});

export const SendToPrinterResult = z.object({
  labels: z.number().int(),
  bytes: z.number().int(),
  /** Stopped by `labels.cancel`: `labels` were sent before the reset (the printer may have read fewer); none is recorded as printed. */
  cancelled: z.boolean(),
  /** Labels the job had. */
  total: z.number().int(),
});

const point = z.object({ x: z.number(), y: z.number() });

export const LabelTemplateInfo = z.object({
  name: z.string(),
  title: z.string(),
  kind: z.enum(['sheet', 'roll']),
  pageMm: z.object({ width: z.number(), height: z.number() }),
  labelMm: z.object({ width: z.number(), height: z.number() }),
  labelsPerPage: z.number().int(),
  /** Print head resolutions of a roll; empty for sheets (any office printer). */
  dpis: z.array(z.number().int()),
  /** The human-readable lines under or beside the QR code. */
  fields: z.array(z.string()),
  /** The remembered printer offset applied to every render of this template. */
  offset: LabelOffset,
  /** Where labels, the QR code and the text sit, in mm: the UI draws its true-scale preview from this. */
  layout: z.object({
    grid: z.object({ cols: z.number().int(), rows: z.number().int(), originMm: point, pitchMm: point }).optional(),
    qrMm: z.object({ x: z.number(), y: z.number(), size: z.number() }),
    text: z.object({ boxMm: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }), fontPt: z.number() }),
    cornerRadiusMm: z.number().optional(),
  }),
});
export type LabelTemplateInfo = z.infer<typeof LabelTemplateInfo>;

/** `labels.check`: whether the job would print, before a byte is rendered. */
export const LabelCheckResult = z.object({
  ok: z.boolean(),
  /** Why not, in plain words: the QR would be too small (naming a template that fits), or devices lack tokens. */
  message: z.string().nullable(),
  /** A template this payload fits, when it does not fit the one asked for. */
  suggestion: z.string().nullable(),
  labels: z.number().int(),
  pages: z.number().int(),
  /** Selected devices without an active token (left out with selection.skipMissing, refused otherwise). */
  missing: z.number().int(),
  /** Size of one QR module on this template, mm; null when it does not fit or nothing is selected. */
  moduleMm: z.number().nullable(),
});
export type LabelCheckResult = z.infer<typeof LabelCheckResult>;

export const TemplateOffset = LabelOffset.extend({ template: z.string() });
export type TemplateOffset = z.infer<typeof TemplateOffset>;

export const LabelPrint = z.object({
  device: z.string().nullable(),
  tokenId: z.number().int(),
  template: z.string(),
  payload: PayloadKind,
  output: LabelOutput,
  /** When it was printed, or downloaded (then `printed` is false). */
  printedAt: z.string(),
  /** A printer took it; false for a downloaded file nobody has said was printed. */
  printed: z.boolean(),
});
export type LabelPrint = z.infer<typeof LabelPrint>;

/** A device's label history, for the device drawer: "printed 2× — last on …, avery-5160". */
export const LabelHistory = z.object({
  device: z.string(),
  /** Labels printed (a printer took them); downloads are counted apart. */
  count: z.number().int(),
  /** Label files downloaded and not known to be printed. */
  downloads: z.number().int(),
  lastPrintedAt: z.string().nullable(),
  lastTemplate: z.string().nullable(),
  /** Newest first, at most `limit`. */
  prints: z.array(LabelPrint),
});
export type LabelHistory = z.infer<typeof LabelHistory>;
