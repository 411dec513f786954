export type { Labels } from './batch.ts';
export { type LabelInput, MIN_MODULE_MM, type OffsetMm } from './layout.ts';
export { type PdfOptions, type PdfResult, renderLabelsPdf } from './pdf.ts';
export { checkFit, type Ecc, type FitResult, LabelFitError, PayloadTooLongError } from './qr.ts';
export { PrinterError, type PrinterErrorCode, type SendRawOptions, sendRaw } from './raw-printer.ts';
export { defaultTemplatesDir, getTemplate, type LabelTemplate, LabelTemplateError, listTemplates } from './templates.ts';
export { type ZplOptions, zplLabel, zplLabels } from './zpl.ts';
