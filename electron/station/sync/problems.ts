import type { SyncProblem } from '../../../shared/sync.ts';
import type { Db } from '../store/database.ts';

// Conflicts and errors grouped by cause (sync_devices.cause, set from the classified failure by failureCause in
// http-errors.ts), each stated once with what to do about it. Rows from before causes were recorded have none and
// form one group of their own.

/** The cause of rows recorded before causes existed. */
export const UNKNOWN_CAUSE = 'unknown';

interface Wording {
  message: string;
  fix: string;
  /** The cause alone does not say enough: show one device's own message too. */
  example?: boolean;
}

const targetWord = (type: string) => (type === 'thingsboard' ? 'ThingsBoard' : 'The webhook receiver');

/** The plain words for one cause on one target. `detail` is what follows the code's colon in the cause key. */
function wording(code: string, detail: string, target: { name: string; type: string }): Wording {
  const cloud = targetWord(target.type);
  // Plain words for the UI and the CLI alike; the CLI adds the commands that list and retry the devices.
  const retry = 'then retry these devices';
  switch (code) {
    case 'missing-profile':
      return {
        message: `ThingsBoard has no device profile named "${detail}".`,
        fix: `Create the device profile "${detail}" in ThingsBoard, or let Fieldstation create missing profiles (Sync screen: Edit on the target "${target.name}", tick “Create device profiles”; or fieldstation sync target edit --name ${target.name} --create-profiles), ${retry}.`,
      };
    case 'no-credentials':
      return {
        message: 'These devices have no credentials yet, so ThingsBoard cannot accept them.',
        fix: `Provision them (or give them a token), ${retry}.`,
      };
    case 'different-credentials':
      return {
        message: `${cloud} already has devices with these names and different credentials. Nothing was overwritten.`,
        fix: `For each device, decide which credentials are right: change or delete the device in ThingsBoard, or rename it here, ${retry}.`,
      };
    case 'credentials-in-use':
      return {
        message: `${cloud} already has these devices' credentials on other devices, so these were not created.`,
        fix: `Find the ThingsBoard devices holding these credentials and change or delete them, or give these devices new credentials here, ${retry}.`,
      };
    case 'refused':
      return {
        message: `${cloud} refused these devices${detail ? ` (HTTP ${detail})` : ''}.`,
        fix: `Read its reason in each device's message, correct the device or the target's settings, ${retry}.`,
        example: true,
      };
    case 'conflict':
      return {
        message: `${cloud} reported a conflict for these devices${detail ? ` (HTTP ${detail})` : ''}.`,
        fix: `Read its reason in each device's message and resolve it on the cloud's side, ${retry}.`,
        example: true,
      };
    case 'unexpected':
      return {
        message: 'Fieldstation hit an unexpected error while sending these devices.',
        fix: `Retry them; if it happens again, report it with the station's log.`,
        example: true,
      };
    default:
      return {
        message: 'These devices failed before Fieldstation recorded causes of sync problems.',
        fix: 'Retry them to find out the cause.',
        example: true,
      };
  }
}

/** Splits a cause key into its code and detail (`missing-profile:a:b` → `missing-profile`, `a:b`). */
export function splitCause(cause: string): { code: string; detail: string } {
  const at = cause.indexOf(':');
  return at < 0 ? { code: cause, detail: '' } : { code: cause.slice(0, at), detail: cause.slice(at + 1) };
}

interface GroupRow {
  target: string;
  type: string;
  state: 'conflict' | 'error';
  cause: string;
  count: number;
  example: string | null;
}

/** Every conflict and error, one entry per target and cause, largest first. */
export function syncProblems(db: Db, target?: number): SyncProblem[] {
  const rows = db
    .prepare(`SELECT t.name AS target, t.type, s.state, coalesce(s.cause, '${UNKNOWN_CAUSE}') AS cause, count(*) AS count,
        min(s.message) AS example
      FROM sync_devices s JOIN sync_targets t ON t.id = s.target_id
      WHERE s.state IN ('conflict', 'error') ${target === undefined ? '' : 'AND t.id = @target'}
      GROUP BY t.id, s.state, 3
      ORDER BY count DESC, t.id, cause`)
    .all(target === undefined ? {} : { target }) as GroupRow[];
  return rows.map((r) => {
    const { code, detail } = splitCause(r.cause);
    const words = wording(code, detail, { name: r.target, type: r.type });
    return {
      id: r.cause,
      code,
      target: r.target,
      state: r.state,
      message: words.message,
      fix: words.fix,
      count: r.count,
      example: words.example ? r.example : null,
    };
  });
}

/** SQL condition (on `s`, sync_devices) and its parameter's value, selecting the devices of one problem id. */
export function problemFilter(problem: string, placeholder = '@problem'): { sql: string; value: string | null } {
  return problem === UNKNOWN_CAUSE
    ? { sql: "s.cause IS NULL AND s.state IN ('conflict', 'error')", value: null }
    : { sql: `s.cause = ${placeholder} AND s.state IN ('conflict', 'error')`, value: problem };
}
