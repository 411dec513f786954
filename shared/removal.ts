import { z } from 'zod';

/**
 * What a removal takes away: some devices by name (one, or a selection), a whole batch, or what one import created
 * ("undo this import"). Exactly one of them.
 */
const selectionFields = {
  names: z.array(z.string().min(1)).min(1).max(200_000).optional(),
  batch: z.string().min(1).optional(),
  importId: z.number().int().optional(),
};
const exactlyOne = (s: { names?: unknown; batch?: unknown; importId?: unknown }) =>
  [s.names, s.batch, s.importId].filter((v) => v !== undefined).length === 1;
const exactlyOneMessage = { message: 'name the devices, a batch or an import (exactly one)' };
export const DeviceSelection = z.object(selectionFields).refine(exactlyOne, exactlyOneMessage);
export type DeviceSelection = z.infer<typeof DeviceSelection>;

/**
 * What to do with devices that already provisioned: they are real devices on site with credentials, and may be
 * talking to this station. `refuse` (the default) answers conflict with their number; `keep` removes only the
 * devices that never provisioned; `remove` removes them too (their credentials stop working here).
 */
export const ProvisionedChoice = z.enum(['refuse', 'keep', 'remove']);
export type ProvisionedChoice = z.infer<typeof ProvisionedChoice>;

export const DeviceRemoval = z
  .object({ ...selectionFields, provisioned: ProvisionedChoice.default('refuse') })
  .refine(exactlyOne, exactlyOneMessage);

/** The consequence of a removal in numbers, asked before it is done (the confirmation names them). */
export const RemovalPreview = z.object({
  devices: z.number().int(),
  /** Devices past pending (provisioned, online, offline, handed over). */
  provisioned: z.number().int(),
  online: z.number().int(),
  /** Devices a sync target already holds: they stay in that cloud (the station never deletes there). */
  inCloud: z.number().int(),
  /** Onboarding tokens (labels) that stop working: the devices' own tokens, and a batch's group tokens. */
  tokens: z.number().int(),
});
export type RemovalPreview = z.infer<typeof RemovalPreview>;

export const RemovalResult = z.object({
  removed: z.number().int(),
  /** Provisioned devices left in place (`provisioned: 'keep'`). */
  kept: z.number().int(),
  /** A batch removal removes the batch itself too; an undone import is marked undone. */
  batchRemoved: z.boolean(),
});
export type RemovalResult = z.infer<typeof RemovalResult>;

/** One import as the batch's Import tab lists it, with "undo this import". */
export const ImportRecord = z.object({
  id: z.number().int(),
  batch: z.string(),
  profile: z.string(),
  fileName: z.string().nullable(),
  at: z.string(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** Devices it created that are still in the station. */
  remaining: z.number().int(),
  undoneAt: z.string().nullable(),
});
export type ImportRecord = z.infer<typeof ImportRecord>;
