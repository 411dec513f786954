// Device-list import's plain constants, without zod: the import's parser thread (electron/station/import/
// parser-thread.ts) loads only these, and zod alone cost a fresh thread ~80 ms of its ~130 ms start (issue 13).
// shared/import.ts re-exports them beside its schemas.

/** The fixed columns of a device list, in the order we list them to users. `attr:<key>` columns come on top. */
export const deviceColumns = [
  'name',
  'token',
  'clientId',
  'username',
  'password',
  'certificate',
  'serial',
  'mac',
  'label',
] as const;
/** Prefix of a column (CSV) or key (JSON) whose value becomes a device attribute; the key after it keeps its case. */
export const attributeColumnPrefix = 'attr:';

// ThingsBoard's entity fields default to @Length(max = 255), so longer names or credentials fail upstream at sync.
export const maxTextLength = 255;
// Not a ThingsBoard limit: a longer cell is almost always a paste accident, and it would bloat labels and sync.
export const maxAttributeValueLength = 4096;
// Room for a leaf certificate plus a couple of intermediates in PEM.
export const maxCertificateLength = 16_384;

/** Upper-case, colon-separated: the one form we store, print and compare. */
export const normalizedMacPattern = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;
