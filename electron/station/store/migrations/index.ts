import init from './0001-init.sql';
import telemetry from './0002-telemetry.sql';
import onboardingTokens from './0003-onboarding-tokens.sql';
import sync from './0004-sync.sql';
import labels from './0005-labels.sql';
import deviceHistory from './0006-device-history.sql';
import syncProblemCauses from './0007-sync-problem-causes.sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered and append-only: a released migration is never edited; changes go into the next one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'telemetry', sql: telemetry },
  { version: 3, name: 'onboarding-tokens', sql: onboardingTokens },
  { version: 4, name: 'sync', sql: sync },
  { version: 5, name: 'labels', sql: labels },
  { version: 6, name: 'device-history', sql: deviceHistory },
  { version: 7, name: 'sync-problem-causes', sql: syncProblemCauses },
];
