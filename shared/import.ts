import { z } from 'zod';
import { deviceColumns, maxCertificateLength, maxTextLength, normalizedMacPattern } from './import-limits.ts';

export * from './import-limits.ts';

/**
 * Device-list import: what a parsed row and a problem look like, and the report the DB layer returns.
 * Isomorphic: the engine produces these, the UI displays them.
 */

export const DeviceColumn = z.enum(deviceColumns);
export type DeviceColumn = z.infer<typeof DeviceColumn>;

/**
 * One thing wrong with the file. `line` is the 1-based physical line on which the CSV record starts (the header
 * is usually line 1), or for JSON the element's 1-based position in the device list; 0 means the whole file
 * (e.g. JSON that does not parse). `column` names the column (CSV) or key (JSON) at fault: canonical when
 * recognised (`clientId`, `attr:Floor`), as written otherwise, null when no single column is. `value` repeats
 * the offending value when that helps and it is not a secret (passwords and certificates are never repeated).
 */
export const ImportProblem = z.object({
  line: z.number().int().nonnegative(),
  column: z.string().nullable(),
  message: z.string(),
  value: z.string().optional(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const ImportCredentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ACCESS_TOKEN'), token: z.string().min(1).max(maxTextLength) }),
  z
    .object({
      type: z.literal('MQTT_BASIC'),
      clientId: z.string().min(1).max(maxTextLength).optional(),
      username: z.string().min(1).max(maxTextLength).optional(),
      password: z.string().min(1).max(maxTextLength).optional(),
    })
    // ThingsBoard refuses MQTT_BASIC with both clientId and username empty (DeviceCredentialsServiceImpl).
    .refine((c) => c.clientId !== undefined || c.username !== undefined, {
      message: 'MQTT_BASIC needs a clientId or a username',
    }),
  z.object({
    type: z.literal('X509_CERTIFICATE'),
    certificate: z.string().min(1).max(maxCertificateLength),
  }),
]);
export type ImportCredentials = z.infer<typeof ImportCredentials>;
export type ImportCredentialsType = ImportCredentials['type'];

/** A row that passed validation. Without `credentials`, the profile's default applies when the device is created. */
export const ImportRow = z.object({
  line: z.number().int().positive(),
  name: z.string().min(1).max(maxTextLength),
  serial: z.string().min(1).max(maxTextLength).optional(),
  mac: z.string().regex(normalizedMacPattern).optional(),
  label: z.string().min(1).max(maxTextLength).optional(),
  attributes: z.record(z.string(), z.string()),
  credentials: ImportCredentials.optional(),
});
export type ImportRow = z.infer<typeof ImportRow>;

/** What an import did (or, with dryRun, would do). `rows` counts the valid rows considered. */
export const ImportReport = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().nonnegative(),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  problems: z.array(ImportProblem),
  /** The recorded import (for "undo this import"); absent on a dry run or when nothing was imported. */
  importId: z.number().int().optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportFormat = z.enum(['csv', 'json', 'auto']);
export type ImportFormat = z.infer<typeof ImportFormat>;

export const CsvDelimiter = z.enum([',', ';', '\t']);
export type CsvDelimiter = z.infer<typeof CsvDelimiter>;
