import { ApiError } from '../../../shared/errors.ts';
import { encodeJsonPayload, encodeTokenPayload, encodeUrlPayload, formatShortCode } from '../../../shared/label-payload.ts';
import type { LabelJob } from '../../../shared/labels.ts';
import { asLabelLanguage, labelWords } from '../../../shared/label-words.ts';
import type { ListenerInfo } from '../../../shared/station.ts';
import type { StationKeys } from '../keys.ts';
import { derivedSecret } from '../provisioning/token-secrets.ts';
import type { Db } from '../store/database.ts';
import { type LabelInput, type OffsetMm, resolveDpi } from './layout.ts';
import type { LabelOffsets } from './offsets.ts';
import { type StationAddress, stationAddress } from './station-address.ts';
import { type LabelTemplate, labelsPerPage, listTemplates } from './templates.ts';

/** One label of a job, with what the print history records about it. */
export interface PlannedLabel extends LabelInput {
  /** 0 for a group token's label. */
  deviceId: number;
  tokenId: number;
}

/** A job checked against the database, ready to render: its labels are produced lazily, a page of rows at a time. */
export interface LabelPlan {
  job: LabelJob;
  template: LabelTemplate;
  catalog: readonly LabelTemplate[];
  /** The job's own offset, else the template's remembered one. */
  offset: OffsetMm;
  dpi: number | undefined;
  /** Labels the job will produce. */
  total: number;
  /** Selected devices left out because they have no active token (only with selection.skipMissing). */
  missing: number;
  labels(): Generator<PlannedLabel>;
}

export interface PlanOptions {
  /** At most this many labels (a preview: the first page). */
  limit?: number;
  /** Count and describe only: do not refuse for missing tokens or an empty selection (labels.check). */
  dryRun?: boolean;
}

interface DeviceRow {
  deviceId: number;
  name: string;
  serial: string | null;
  tokenId: number;
  key: string;
  protection: 'derived' | 'pin' | 'password';
}

// Keyset pages instead of one long-lived cursor: better-sqlite3 keeps the connection busy while a statement
// iterates, and this connection also commits provisioning results, which must never wait on a slow download.
const PAGE = 500;
const SAMPLE_KEY = 'ZZZZZZZZZZ';

// A token is printable while it can still be redeemed. A locked one (too many wrong PINs) still counts: the lock
// lifts by itself, and the label stays the same.
const USABLE = 'u.revoked_at IS NULL AND u.uses < u.max_uses AND (u.expires_at IS NULL OR u.expires_at > @now)';

const SELECTED = `FROM devices d
  LEFT JOIN onboarding_tokens t ON t.id = (SELECT max(u.id) FROM onboarding_tokens u WHERE u.device_id = d.id AND ${USABLE})
  WHERE d.batch_id = @batchId
    AND (@pendingOnly = 0 OR d.state = 'pending')
    AND (@names IS NULL OR d.name IN (SELECT value FROM json_each(@names)))
    AND (@unprintedOnly = 0 OR NOT EXISTS (SELECT 1 FROM label_prints p WHERE p.token_id = t.id AND p.printed = 1))`;

/** A batch name as it must be typed in a shell. */
const shellWord = (text: string) => (/^[\w.@%+=:,/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export interface LabelJobsDeps {
  db: Db;
  keys: StationKeys;
  offsets: LabelOffsets;
  /** The serving station's listeners (empty when the CLI works on a data directory). */
  listeners: () => readonly ListenerInfo[];
  /** The label stock catalog; defaults to the bundled templates. */
  templates?: () => LabelTemplate[];
}

/** Turns a batch (or a selection of it) into label inputs carrying each device's onboarding token. */
export function createLabelJobs(deps: LabelJobsDeps) {
  const { db, keys } = deps;
  const batchByName = db.prepare('SELECT id, name, site, language FROM batches WHERE name = ?');
  const batchSize = db.prepare('SELECT count(*) FROM devices WHERE batch_id = ?').pluck();
  const counts = db.prepare(`SELECT count(*) AS selected, count(t.id) AS ready,
    coalesce(sum(t.id IS NULL AND d.state <> 'pending'), 0) AS provisionedMissing ${SELECTED}`);
  const page = db.prepare(`SELECT d.id AS deviceId, d.name, d.serial, t.id AS tokenId, t.key, t.protection ${SELECTED}
    AND t.id IS NOT NULL AND d.id > @after ORDER BY d.id LIMIT ${PAGE}`);
  const strangers = db.prepare(`SELECT value FROM json_each(@names)
    WHERE value NOT IN (SELECT name FROM devices WHERE batch_id = @batchId) LIMIT 6`).pluck();
  const groupToken = db.prepare(`SELECT u.id, u.key, u.protection, u.max_uses AS maxUses FROM onboarding_tokens u
    WHERE u.batch_id = @batchId AND u.device_id IS NULL AND ${USABLE} ORDER BY u.id DESC LIMIT 1`);
  // Printed means a printer took it: a downloaded file does not count (migration 0012).
  const printedToken = db.prepare('SELECT 1 FROM label_prints WHERE token_id = ? AND printed = 1 LIMIT 1').pluck();

  let catalog: LabelTemplate[] | null = null;
  const templates = () => {
    catalog ??= (deps.templates ?? listTemplates)();
    return catalog;
  };

  function template(name: string): LabelTemplate {
    const found = templates().find((t) => t.name === name);
    if (!found) throw new ApiError('not_found', `unknown label template '${name}'; known: ${templates().map((t) => t.name).join(', ')}`);
    return found;
  }

  function payloadOf(job: LabelJob, address: StationAddress | null, key: string, protection: DeviceRow['protection']): string {
    // PIN/password tokens print no secret: the device's owner types it (label-payload.ts: `FS1:KEY::C`).
    const secret = protection === 'derived' ? derivedSecret(keys, key) : null;
    if (job.payload === 'token') return encodeTokenPayload(key, secret);
    if (job.payload === 'url') return encodeUrlPayload(address!.host, address!.ports.http, key);
    return encodeJsonPayload({ host: address!.host, ports: address!.ports, key, secret });
  }

  function plan(job: LabelJob, options: PlanOptions = {}): LabelPlan {
    const t = template(job.template);
    const batch = batchByName.get(job.batch) as { id: number; name: string; site: string; language: string } | undefined;
    if (!batch) throw new ApiError('not_found', `no batch named '${job.batch}'`);
    let dpi: number | undefined;
    try {
      dpi = resolveDpi(t, job.dpi);
    } catch (err) {
      throw new ApiError('invalid_params', (err as Error).message);
    }
    if (job.skip >= labelsPerPage(t)) {
      throw new ApiError('invalid_params', `skip must be below ${labelsPerPage(t)}, the labels on one "${t.name}" page`);
    }
    const address = job.payload === 'token' ? null : stationAddress(job.station, deps.listeners());
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const common = { job, template: t, catalog: templates(), offset: job.offset ?? deps.offsets.get(t.name), dpi };
    const site = batch.site || undefined;
    const language = asLabelLanguage(batch.language);

    // A batch of devices that enrol themselves (allow-create) has no device rows, only a group token.
    if (job.group || (job.selection.devices === undefined && batchSize.get(batch.id) === 0)) {
      const token = groupToken.get({ batchId: batch.id, now: Date.now() }) as
        | { id: number; key: string; protection: DeviceRow['protection']; maxUses: number }
        | undefined;
      if (!token) {
        if (options.dryRun) return { ...common, total: 0, missing: 0, labels: function* () {} };
        const hint = job.group ? '' : ' and no devices';
        throw new ApiError('conflict', `batch '${batch.name}' has no active group token${hint}; run: fieldstation tokens issue --batch ${shellWord(batch.name)} --uses N`);
      }
      const printed = job.selection.unprintedOnly && printedToken.get(token.id) !== undefined;
      const total = printed ? 0 : Math.min(job.copies, limit);
      if (total === 0 && !options.dryRun) throw new ApiError('not_found', `nothing to print: the group token of batch '${batch.name}' was printed already`);
      const label: PlannedLabel = {
        deviceId: 0,
        tokenId: token.id,
        payload: payloadOf(job, address, token.key, token.protection),
        name: labelWords[language].groupToken(token.maxUses),
        shortCode: formatShortCode(token.key),
        batch: batch.name,
        site,
        language,
      };
      return {
        ...common,
        total,
        missing: 0,
        *labels() {
          for (let i = 0; i < total; i++) yield label;
        },
      };
    }

    const params = {
      batchId: batch.id,
      now: Date.now(),
      pendingOnly: job.selection.state === 'pending' ? 1 : 0,
      names: job.selection.devices ? JSON.stringify(job.selection.devices) : null,
      unprintedOnly: job.selection.unprintedOnly ? 1 : 0,
    };
    if (params.names !== null) {
      const unknown = strangers.all(params) as string[];
      if (unknown.length > 0) {
        const shown = unknown.slice(0, 5).map((n) => `'${n}'`).join(', ');
        throw new ApiError('not_found', `not in batch '${batch.name}': ${shown}${unknown.length > 5 ? ' and more' : ''}`);
      }
    }
    const { selected, ready, provisionedMissing } = counts.get(params) as { selected: number; ready: number; provisionedMissing: number };
    const missing = selected - ready;
    if (!options.dryRun) {
      if (missing > 0 && !job.selection.skipMissing) throw new ApiError('conflict', missingMessage(batch.name, selected, missing, provisionedMissing));
      if (ready === 0) throw new ApiError('not_found', `nothing to print: no device of batch '${batch.name}' matches the selection`);
    }
    // Copies of each device's label, one after the other (a label for the device and one for its box).
    const copies = job.copies;
    const total = Math.min(ready * copies, limit);

    return {
      ...common,
      total,
      missing,
      *labels() {
        let after = 0;
        let produced = 0;
        while (produced < total) {
          const rows = page.all({ ...params, now: Date.now(), after }) as DeviceRow[];
          if (rows.length === 0) return;
          for (const row of rows) {
            const label: PlannedLabel = {
              deviceId: row.deviceId,
              tokenId: row.tokenId,
              payload: payloadOf(job, address, row.key, row.protection),
              name: row.name,
              shortCode: formatShortCode(row.key),
              serial: row.serial ?? undefined,
              batch: batch.name,
              site,
              language,
            };
            for (let copy = 0; copy < copies; copy++) {
              if (produced++ >= total) return;
              yield label;
            }
          }
          after = rows.at(-1)!.deviceId;
        }
      },
    };
  }

  /** A payload shaped like the job's labels (same format, same length), for a fit check before any token exists. */
  function samplePayload(job: LabelJob): string {
    const address = job.payload === 'token' ? null : stationAddress(job.station, deps.listeners());
    return payloadOf(job, address, SAMPLE_KEY, 'derived');
  }

  return { templates, template, plan, samplePayload };
}
export type LabelJobs = ReturnType<typeof createLabelJobs>;

function missingMessage(batch: string, selected: number, missing: number, provisioned: number): string {
  let message =
    missing === selected
      ? `None of the ${plural(selected, 'selected device')} in batch '${batch}' has an active onboarding token`
      : `${missing.toLocaleString('en')} of ${plural(selected, 'selected device')} in batch '${batch}' ${missing === 1 ? 'has' : 'have'} no active onboarding token`;
  message += `. Run: fieldstation tokens issue --batch ${shellWord(batch)} --per-device first, or leave them out with --skip-missing.`;
  // Provisioned devices cannot get a new token, so issuing would not help them.
  if (provisioned > 0) message += ` ${plural(provisioned, 'of them has', 'of them have')} already provisioned: --pending-only leaves those out.`;
  return message;
}
