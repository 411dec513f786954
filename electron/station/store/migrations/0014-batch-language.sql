-- Issue 12: a batch's labels print in its language (shared/label-words.ts), not always in English. Batches from
-- before were printed in English, so they keep it. No CHECK on the value: the list of languages grows, and a new
-- CHECK on `batches` (which devices, imports and tokens point at) would mean rebuilding the table each time; the
-- API validates it (LabelLanguage) and the renderers fall back to English for anything they do not know.
ALTER TABLE batches ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
