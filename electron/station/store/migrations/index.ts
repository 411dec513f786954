import init from './0001-init.sql';
import telemetry from './0002-telemetry.sql';
import onboardingTokens from './0003-onboarding-tokens.sql';
import sync from './0004-sync.sql';
import labels from './0005-labels.sql';
import deviceHistory from './0006-device-history.sql';
import deviceLife from './0007-device-life.sql';
import handover from './0008-handover.sql';
import syncTelemetry from './0009-sync-telemetry.sql';
import presence from './0010-presence.sql';
import syncProblemCauses from './0011-sync-problem-causes.sql';
import removal from './0012-removal.sql';
import labelPrintsPrinted from './0013-label-prints-printed.sql';
import batchLanguage from './0014-batch-language.sql';
import syncDueOrder from './0015-sync-due-order.sql';
import attributesWithoutRowid from './0016-attributes-without-rowid.sql';
import leanDeviceIndexes from './0017-lean-device-indexes.sql';
import leanSyncIndexes from './0018-lean-sync-indexes.sql';
import syncDueByBatch from './0019-sync-due-by-batch.sql';
import leanEventNames from './0020-lean-event-names.sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Rebuilds a table other tables point at: runs with foreign keys off and checks them before committing
   * (SQLite's "making other kinds of table schema changes", steps 1-12).
   */
  rebuildsTables?: boolean;
}

/** Numbered and append-only: a released migration is never edited; changes go into the next one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'telemetry', sql: telemetry },
  { version: 3, name: 'onboarding-tokens', sql: onboardingTokens },
  { version: 4, name: 'sync', sql: sync },
  { version: 5, name: 'labels', sql: labels },
  { version: 6, name: 'device-history', sql: deviceHistory },
  { version: 7, name: 'device-life', sql: deviceLife, rebuildsTables: true },
  { version: 8, name: 'handover', sql: handover },
  { version: 9, name: 'sync-telemetry', sql: syncTelemetry },
  { version: 10, name: 'presence', sql: presence },
  { version: 11, name: 'sync-problem-causes', sql: syncProblemCauses },
  { version: 12, name: 'removal', sql: removal },
  { version: 13, name: 'label-prints-printed', sql: labelPrintsPrinted },
  { version: 14, name: 'batch-language', sql: batchLanguage },
  { version: 15, name: 'sync-due-order', sql: syncDueOrder },
  { version: 16, name: 'attributes-without-rowid', sql: attributesWithoutRowid },
  { version: 17, name: 'lean-device-indexes', sql: leanDeviceIndexes },
  { version: 18, name: 'lean-sync-indexes', sql: leanSyncIndexes },
  { version: 19, name: 'sync-due-by-batch', sql: syncDueByBatch },
  { version: 20, name: 'lean-event-names', sql: leanEventNames },
];
