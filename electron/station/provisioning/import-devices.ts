import type { z } from 'zod';
import type { CredentialsInput } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { ImportFormat, ImportProblem, ImportReport, ImportRow } from '../../../shared/import.ts';
import { parseDeviceList } from '../import/index.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createOutboxAppender } from '../store/outbox.ts';
import { credentialsFromInput, type StoredCredentials } from './credentials.ts';
import type { Profiles } from './profiles.ts';

export interface ImportRequest {
  profile: string;
  batch: string;
  text: string;
  format?: z.infer<typeof ImportFormat>;
  dryRun?: boolean;
  /** The file's name, shown beside the import in the batch's list (for "undo this import"). */
  fileName?: string;
  onProgress?: (done: number, total: number) => void;
}

interface Existing {
  id: number;
  batch_id: number | null;
  batch: string | null;
  state: string;
  serial: string | null;
  mac: string | null;
  label: string | null;
  type: string | null;
  credentials_id: string | null;
}

type Plan = { row: ImportRow; credentials: StoredCredentials | null } & ({ kind: 'create' } | { kind: 'update' | 'unchanged'; existing: Existing });

const toInput = (c: NonNullable<ImportRow['credentials']>): CredentialsInput => c;

/**
 * The database side of import: checks every row against the station, then writes all rows or none in one
 * transaction. Re-importing the same file changes nothing and says so (unchanged rows).
 */
export function createDeviceImport(db: Db, profiles: Profiles, audit: AuditLog) {
  const existing = db.prepare(`SELECT d.id, d.batch_id, b.name AS batch, d.state, d.serial, d.mac, d.label,
      c.type, c.credentials_id FROM devices d LEFT JOIN batches b ON b.id = d.batch_id
      LEFT JOIN credentials c ON c.device_id = d.id WHERE d.name = ?`);
  const credentialsOwner = db.prepare('SELECT d.name FROM credentials c JOIN devices d ON d.id = c.device_id WHERE c.credentials_id = ?').pluck();
  const attributes = db.prepare("SELECT key, value FROM attributes WHERE device_id = ? AND scope = 'server'");
  const batchByName = db.prepare('SELECT id, profile_id FROM batches WHERE name = ?');
  const insertBatch = db.prepare('INSERT INTO batches (name, profile_id, created_at) VALUES (?, ?, ?)');
  const insertDevice = db.prepare(`INSERT INTO devices (name, profile_id, batch_id, serial, mac, label, created_at, import_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertImport = db.prepare(`INSERT INTO imports (batch_id, profile_id, file_name, created, updated, unchanged, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const updateDevice = db.prepare('UPDATE devices SET serial = ?, mac = ?, label = ? WHERE id = ?');
  const upsertCredentials = db.prepare(`INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id) DO UPDATE SET type = excluded.type, credentials_id = excluded.credentials_id, value = excluded.value`);
  const appendOutbox = createOutboxAppender(db);
  const setAttribute = db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, 'server', ?, ?, ?)
    ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);

  function plan(rows: ImportRow[], batchName: string, defaultType: StoredCredentials['type'], problems: ImportProblem[]): Plan[] {
    const plans: Plan[] = [];
    for (const row of rows) {
      const found = existing.get(row.name) as Existing | undefined;
      const requested = row.credentials ? credentialsFromInput(toInput(row.credentials), defaultType) : null;
      if (requested) {
        const owner = credentialsOwner.get(requested.credentialsId) as string | undefined;
        if (owner !== undefined && owner !== row.name) {
          problems.push({ line: row.line, column: credentialColumn(row), message: `these credentials already belong to device '${owner}'` });
          continue;
        }
      }
      if (!found) {
        plans.push({ kind: 'create', row, credentials: requested ?? credentialsFromInput(undefined, defaultType) });
        continue;
      }
      if (found.batch !== batchName) {
        const where = found.batch === null ? 'without a batch' : `in batch '${found.batch}'`;
        problems.push({ line: row.line, column: 'name', message: `a device named '${row.name}' is already in the station ${where}`, value: row.name });
        continue;
      }
      const credentialsChange = requested !== null && requested.credentialsId !== found.credentials_id;
      if (credentialsChange && found.state !== 'pending') {
        problems.push({ line: row.line, column: credentialColumn(row), message: `device '${row.name}' is already provisioned; its credentials can no longer change` });
        continue;
      }
      const stored = Object.fromEntries((attributes.all(found.id) as { key: string; value: string }[]).map((a) => [a.key, JSON.parse(a.value) as unknown]));
      const same =
        !credentialsChange &&
        (row.serial ?? null) === found.serial &&
        (row.mac ?? null) === found.mac &&
        (row.label ?? null) === found.label &&
        Object.entries(row.attributes).every(([k, v]) => stored[k] === v);
      plans.push({ kind: same ? 'unchanged' : 'update', existing: found, row, credentials: credentialsChange ? requested : null });
    }
    return plans;
  }

  return {
    run(request: ImportRequest): ImportReport {
      const profile = profiles.require(request.profile);
      const parsed = parseDeviceList(request.text, request.format ?? 'auto', { onProgress: request.onProgress });
      const problems = [...parsed.problems];
      const batch = batchByName.get(request.batch) as { id: number; profile_id: number | null } | undefined;
      if (batch && batch.profile_id !== null && batch.profile_id !== profile.id) {
        const other = profiles.store.byId(batch.profile_id)?.name;
        throw new ApiError('conflict', `batch '${request.batch}' provisions with profile '${other}', not '${profile.name}'`);
      }
      const plans = plan(parsed.rows, request.batch, profile.default_credentials_type, problems);
      problems.sort((a, b) => a.line - b.line);
      const count = (k: Plan['kind']) => plans.filter((p) => p.kind === k).length;
      const report: ImportReport = {
        dryRun: request.dryRun === true,
        rows: parsed.rows.length,
        created: count('create'),
        updated: count('update'),
        unchanged: count('unchanged'),
        problems,
      };
      // All rows or none: a file with one bad row imports nothing, so fixing it and importing again is safe.
      if (report.dryRun || problems.length > 0) return problems.length > 0 ? { ...report, created: 0, updated: 0, unchanged: 0 } : report;

      return db.transaction((): ImportReport => {
        const now = Date.now();
        const batchId = batch?.id ?? Number(insertBatch.run(request.batch, profile.id, now).lastInsertRowid);
        // Recorded even when nothing changed, so the list of imports shows every run; only created devices carry it.
        const importId = Number(
          insertImport.run(batchId, profile.id, request.fileName ?? null, report.created, report.updated, report.unchanged, now).lastInsertRowid,
        );
        for (const p of plans) {
          if (p.kind === 'unchanged') continue;
          const { row } = p;
          const id = p.kind === 'create' ? Number(insertDevice.run(row.name, profile.id, batchId, row.serial ?? null, row.mac ?? null, row.label ?? null, now, importId).lastInsertRowid) : p.existing.id;
          if (p.kind === 'update') updateDevice.run(row.serial ?? null, row.mac ?? null, row.label ?? null, id);
          if (p.credentials) upsertCredentials.run(id, p.credentials.type, p.credentials.credentialsId, p.credentials.value);
          for (const [key, value] of Object.entries(row.attributes)) setAttribute.run(id, key, JSON.stringify(value), now);
          // A device the cloud already has must learn the new serial, label or attributes too.
          if (p.kind === 'update' && p.existing.state !== 'pending') appendOutbox(id, 'device.updated', { name: row.name }, now);
        }
        audit.append({
          kind: 'devices.imported',
          details: { batch: request.batch, importId, created: report.created, updated: report.updated, unchanged: report.unchanged },
        });
        return { ...report, importId };
      })();
    },
  };
}

function credentialColumn(row: ImportRow): string {
  switch (row.credentials?.type) {
    case 'ACCESS_TOKEN':
      return 'token';
    case 'X509_CERTIFICATE':
      return 'certificate';
    default:
      return row.credentials?.clientId !== undefined ? 'clientId' : 'username';
  }
}
export type DeviceImport = ReturnType<typeof createDeviceImport>;
