import { z } from 'zod';
import { DEFAULT_LABEL_LANGUAGE, LabelLanguage } from './label-words.ts';

export const Batch = z.object({
  id: z.number().int(),
  name: z.string(),
  site: z.string(),
  profile: z.string().nullable(),
  notes: z.string(),
  /** The language its labels print in ("Batch"/"Charge", "Site"/"Standort"). */
  language: LabelLanguage,
  createdAt: z.string(),
  /** Devices by state: the progress bar pending -> provisioned -> online ⇄ offline -> handed over. */
  counts: z.object({
    total: z.number().int(),
    pending: z.number().int(),
    provisioned: z.number().int(),
    online: z.number().int(),
    offline: z.number().int(),
    handedOver: z.number().int(),
  }),
});
export type Batch = z.infer<typeof Batch>;

export const BatchInput = z.object({
  name: z.string().trim().min(1, 'a batch needs a name').max(255),
  site: z.string().max(255).default(''),
  profile: z.string().min(1, 'choose the profile its devices provision with'),
  notes: z.string().max(10_000).default(''),
  language: LabelLanguage.default(DEFAULT_LABEL_LANGUAGE),
});

export const BatchUpdate = z.object({
  batch: z.string(),
  name: z.string().trim().min(1).max(255).optional(),
  site: z.string().max(255).optional(),
  profile: z.string().min(1).optional(),
  notes: z.string().max(10_000).optional(),
  language: LabelLanguage.optional(),
});
