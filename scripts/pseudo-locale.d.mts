import type { Plugin } from 'vite';

/** Every message in renderer/src with its English `defaultMessage`, by id (FormatJS's extracted format). */
export function extractEnglish(): Record<string, { defaultMessage: string; description?: string }>;
/** The messages of renderer/src, pseudo-localized (en-XA), as react-intl's pre-parsed AST by message id. */
export function pseudoMessages(): Record<string, unknown>;
/** A Vite plugin serving `virtual:pseudo-messages`. */
export function pseudoLocale(): Plugin;
