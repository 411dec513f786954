import { z } from 'zod';

/**
 * The words printed on a device label, per label language. One table for the station's PDF and ZPL renderers and
 * the UI's preview, so the preview cannot promise words the printer will not print. A batch's language decides
 * its labels' words (the technician's UI language may differ: a German crew can run an English UI).
 *
 * German: "SN" stays "SN" (the abbreviation German manufacturers print on rating plates, and the shortest);
 * "Charge" is the word for a production/delivery batch on German packaging; "Standort" is the installation site.
 */
export const labelLanguages = ['en', 'de'] as const;
export const LabelLanguage = z.enum(labelLanguages);
export type LabelLanguage = z.infer<typeof LabelLanguage>;

/** What a batch prints in when nobody chose: the station's default. */
export const DEFAULT_LABEL_LANGUAGE: LabelLanguage = 'en';

export interface LabelWords {
  /** Prefix of the serial number line. */
  serial: string;
  batch: string;
  site: string;
  /** The name line of a group token's label. */
  groupToken: (uses: number) => string;
  /** The PDF's document title (its Info dictionary), shown by viewers and print queues. */
  documentTitle: (template: string) => string;
}

export const labelWords: Readonly<Record<LabelLanguage, LabelWords>> = {
  en: {
    serial: 'SN',
    batch: 'Batch',
    site: 'Site',
    groupToken: (uses) => `Group token, ${uses.toLocaleString('en')} ${uses === 1 ? 'use' : 'uses'}`,
    documentTitle: (template) => `Device labels (${template})`,
  },
  de: {
    serial: 'SN',
    batch: 'Charge',
    site: 'Standort',
    groupToken: (uses) => `Gruppen-Token, ${uses.toLocaleString('de')} ${uses === 1 ? 'Nutzung' : 'Nutzungen'}`,
    documentTitle: (template) => `Geräteetiketten (${template})`,
  },
};

/** `value` as a label language; the default for anything unknown (a newer station's language, a hand-edited row). */
export function asLabelLanguage(value: string | undefined): LabelLanguage {
  const parsed = LabelLanguage.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_LABEL_LANGUAGE;
}

/** The words of `language` (English for anything unknown). */
export function wordsFor(language: string | undefined): LabelWords {
  return labelWords[asLabelLanguage(language)];
}

/** The field lines that carry a word: `SN 123`, `Charge Lager-3`, `Standort Köln`. */
export function labelFieldText(field: 'serial' | 'batch' | 'site', value: string, language: string | undefined): string {
  return `${wordsFor(language)[field]} ${value}`;
}
