-- Issue 15: a downloaded PDF or ZPL file is not a printed label. `printed` is 1 only for labels a printer took (a
-- raw 9100 job, a system print the desktop app confirmed, or a file the technician says was printed); downloads
-- stay in the history as downloads. "Only labels never printed before" reads `printed` alone.
-- `job` groups the rows of one render, so a later "these printed" marks exactly that job.
ALTER TABLE label_prints ADD COLUMN printed INTEGER NOT NULL DEFAULT 0 CHECK (printed IN (0, 1));
ALTER TABLE label_prints ADD COLUMN job TEXT;
-- Rows from before: only raw printer jobs are known to have printed; a file may never have been.
UPDATE label_prints SET printed = 1 WHERE output = 'printer';
CREATE INDEX label_prints_printed ON label_prints (token_id) WHERE printed = 1;
CREATE INDEX label_prints_job ON label_prints (job) WHERE job IS NOT NULL;
