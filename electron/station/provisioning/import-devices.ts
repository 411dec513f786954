import type { z } from 'zod';
import type { CredentialsInput } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { ImportFormat, ImportProblem, ImportReport, ImportRow } from '../../../shared/import.ts';
import { DEFAULT_LABEL_LANGUAGE, type LabelLanguage } from '../../../shared/label-words.ts';
import { type DeviceListSummary, parseDeviceList } from '../import/index.ts';
import { type ParsedPiece, readDeviceListInThread } from '../import/parser-pipe.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createBulkInsert } from '../store/bulk-insert.ts';
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
  /** The label language of the batch when this import creates it; an existing batch keeps its own. */
  language?: LabelLanguage;
  onProgress?: (done: number, total: number) => void;
}

interface Existing {
  id: number;
  batch_id: number | null;
  state: string;
  serial: string | null;
  mac: string | null;
  label: string | null;
  credentials_id: string | null;
  /** The device's server attributes as one JSON object of their stored JSON texts (key → text), or null. */
  attributes: string | null;
}

type Plan = { row: ImportRow; credentials: StoredCredentials | null } & ({ kind: 'create' } | { kind: 'update' | 'unchanged'; existing: Existing });

const toInput = (c: NonNullable<ImportRow['credentials']>): CredentialsInput => c;

/**
 * From this size on (~40,000 rows of 8 columns) a file is read on a parser thread while this one writes (issue 13: a
 * 100,000-row import took parse + write, ~0.7 + ~1.2 s, one after the other). A new thread starts cold (~50 ms, its
 * code not yet optimised, its heap small), so below this the writer reads faster itself. This code in a fresh
 * process, inline against threaded: 10,000 rows 0.25 against 0.31-0.34 s, 25,000 0.57-0.59 against 0.62-0.65 s,
 * 40,000 even (0.84-0.90 s), 60,000 1.19-1.35 against 1.15-1.17 s, 100,000 2.0-2.1 against 1.69-1.71 s.
 */
const threadFromCharsDefault = 3 * 1024 * 1024;

/** Rows looked up per statement: one JSON array of names or ids bound as a parameter (SQLite json_each). */
const CHUNK = 2_000;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/**
 * The database side of import: checks every row against the station, then writes all rows or none in one
 * transaction. Re-importing the same file changes nothing and says so (unchanged rows).
 * Lookups (json_each over a bound JSON array) and inserts (multi-row VALUES) go many rows per statement, not one:
 * a 100,000-row file would otherwise cost 700,000 statement runs.
 */
export interface DeviceImportOptions {
  /** The parser thread's script (station-writer.ts finds it); without it every file is read on this thread. */
  parserScript?: URL;
  /** From this size on a file is read on the parser thread; threadFromCharsDefault when not given. */
  threadFromChars?: number | undefined;
}

export function createDeviceImport(db: Db, profiles: Profiles, audit: AuditLog, options: DeviceImportOptions = {}) {
  const threadFromChars = options.threadFromChars ?? threadFromCharsDefault;
  // Attributes come grouped, one JSON object per device (key → stored JSON text): a row per attribute made 300,000
  // result objects for a 100,000-row re-import. The batch is compared by id; its name is read only for a refusal.
  const existing = db.prepare(`SELECT d.name, d.id, d.batch_id, d.state, d.serial, d.mac, d.label, c.credentials_id,
      (SELECT json_group_object(a.key, a.value) FROM attributes a WHERE a.device_id = d.id AND a.scope = 'server') AS attributes
      FROM json_each(?) j JOIN devices d ON d.name = j.value LEFT JOIN credentials c ON c.device_id = d.id`);
  const credentialsOwners = db.prepare(`SELECT c.credentials_id, d.name FROM json_each(?) j
      JOIN credentials c ON c.credentials_id = j.value JOIN devices d ON d.id = c.device_id`);
  const batchName = db.prepare('SELECT name FROM batches WHERE id = ?').pluck();
  const newestDevice = db.prepare('SELECT coalesce(max(id), 0) FROM devices').pluck();
  const batchByName = db.prepare('SELECT id, profile_id FROM batches WHERE name = ?');
  const insertBatch = db.prepare('INSERT INTO batches (name, profile_id, language, created_at) VALUES (?, ?, ?, ?)');
  const insertDevices = createBulkInsert(db, {
    head: 'INSERT INTO devices (id, name, profile_id, batch_id, serial, mac, label, created_at, import_id) VALUES',
    row: '(?, ?, ?, ?, ?, ?, ?, ?, ?)',
    columns: 9,
  });
  const insertImport = db.prepare(`INSERT INTO imports (batch_id, profile_id, file_name, created, updated, unchanged, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const updateImportCounts = db.prepare('UPDATE imports SET created = ?, updated = ?, unchanged = ? WHERE id = ?');
  const updateDevice = db.prepare('UPDATE devices SET serial = ?, mac = ?, label = ? WHERE id = ?');
  const upsertCredentials = createBulkInsert(db, {
    head: 'INSERT INTO credentials (device_id, type, credentials_id, value) VALUES',
    row: '(?, ?, ?, ?)',
    columns: 4,
    tail: 'ON CONFLICT (device_id) DO UPDATE SET type = excluded.type, credentials_id = excluded.credentials_id, value = excluded.value',
  });
  const appendOutbox = createOutboxAppender(db);
  const setAttributes = createBulkInsert(db, {
    head: 'INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES',
    row: "(?, 'server', ?, ?, ?)",
    columns: 4,
    tail: 'ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  });

  function plan(rows: ImportRow[], batch: { id: number; name: string } | null, defaultType: StoredCredentials['type'], problems: ImportProblem[]): Plan[] {
    const plans: Plan[] = [];
    for (const chunk of chunks(rows)) {
      const requestedOf = chunk.map((row) => (row.credentials ? credentialsFromInput(toInput(row.credentials), defaultType) : null));
      const found = new Map((existing.all(JSON.stringify(chunk.map((r) => r.name))) as (Existing & { name: string })[]).map((e) => [e.name, e]));
      // Only credentials a row would change can belong to another device: a re-import asks about none.
      const asked: string[] = [];
      chunk.forEach((row, i) => {
        const requested = requestedOf[i];
        if (requested && requested.credentialsId !== found.get(row.name)?.credentials_id) asked.push(requested.credentialsId);
      });
      const owners = new Map(
        asked.length === 0
          ? []
          : (credentialsOwners.all(JSON.stringify(asked)) as { credentials_id: string; name: string }[]).map((o) => [o.credentials_id, o.name]),
      );
      chunk.forEach((row, i) => {
        const requested = requestedOf[i]!;
        if (requested) {
          const owner = owners.get(requested.credentialsId);
          if (owner !== undefined && owner !== row.name) {
            problems.push({ line: row.line, column: credentialColumn(row), message: `these credentials already belong to device '${owner}'` });
            return;
          }
        }
        const device = found.get(row.name);
        if (!device) {
          plans.push({ kind: 'create', row, credentials: requested ?? credentialsFromInput(undefined, defaultType) });
          return;
        }
        if (device.batch_id === null || device.batch_id !== batch?.id) {
          const where = device.batch_id === null ? 'without a batch' : `in batch '${batchName.get(device.batch_id) as string}'`;
          problems.push({ line: row.line, column: 'name', message: `a device named '${row.name}' is already in the station ${where}`, value: row.name });
          return;
        }
        const credentialsChange = requested !== null && requested.credentialsId !== device.credentials_id;
        if (credentialsChange && device.state !== 'pending') {
          problems.push({ line: row.line, column: credentialColumn(row), message: `device '${row.name}' is already provisioned; its credentials can no longer change` });
          return;
        }
        const same =
          !credentialsChange &&
          (row.serial ?? null) === device.serial &&
          (row.mac ?? null) === device.mac &&
          (row.label ?? null) === device.label &&
          sameAttributes(row.attributes, device.attributes);
        plans.push({ kind: same ? 'unchanged' : 'update', existing: device, row, credentials: credentialsChange ? requested : null });
      });
    }
    return plans;
  }

  /** Where an import's writes stand: its batch and import rows, and the next device id to give. */
  interface Writing {
    batchId: number;
    importId: number;
    nextId: number;
    now: number;
  }

  /** Writes the planned rows, many per statement; updates (rare, and each may need an outbox row) one by one. */
  function write(plans: Plan[], profileId: number, at: Writing): void {
    const { batchId, importId, now } = at;
    // Ids are given, not returned: inside this write transaction nobody else inserts, and SQLite would pick the same
    // max(id) + 1 (an INTEGER PRIMARY KEY without AUTOINCREMENT). RETURNING plus a name → id map cost ~15% of the write.
    const ids = new Map<Plan, number>();
    const devices = insertDevices();
    for (const p of plans) {
      if (p.kind !== 'create') continue;
      const { row } = p;
      ids.set(p, at.nextId);
      devices.add(at.nextId++, row.name, profileId, batchId, row.serial ?? null, row.mac ?? null, row.label ?? null, now, importId);
    }
    devices.finish();
    const credentials = upsertCredentials();
    const attrs = setAttributes();
    for (const p of plans) {
      if (p.kind === 'unchanged') continue;
      const { row } = p;
      const id = p.kind === 'create' ? ids.get(p)! : p.existing.id;
      if (p.kind === 'update') updateDevice.run(row.serial ?? null, row.mac ?? null, row.label ?? null, id);
      if (p.credentials) credentials.add(id, p.credentials.type, p.credentials.credentialsId, p.credentials.value);
      for (const key in row.attributes) attrs.add(id, key, JSON.stringify(row.attributes[key]), now);
      // A device the cloud already has must learn the new serial, label or attributes too.
      if (p.kind === 'update' && p.existing.state !== 'pending') appendOutbox(id, 'device.updated', { name: row.name }, now);
    }
    credentials.finish();
    attrs.finish();
  }

  return {
    run(request: ImportRequest): ImportReport {
      const profile = profiles.require(request.profile);
      const batch = batchByName.get(request.batch) as { id: number; profile_id: number | null } | undefined;
      if (batch && batch.profile_id !== null && batch.profile_id !== profile.id) {
        const other = profiles.store.byId(batch.profile_id)?.name;
        throw new ApiError('conflict', `batch '${request.batch}' provisions with profile '${other}', not '${profile.name}'`);
      }
      const format = request.format ?? 'auto';
      const parserScript = request.text.length >= threadFromChars ? options.parserScript : undefined;
      const threaded = parserScript !== undefined;
      const pieces = parserScript ? readDeviceListInThread(parserScript, request.text, format) : readInline(request.text, format, request.onProgress);
      const dryRun = request.dryRun === true;
      const problems: ImportProblem[] = [];
      const counts = { create: 0, update: 0, unchanged: 0 };
      let rows = 0;
      const report = (): ImportReport => {
        const refused = problems.length > 0;
        return { dryRun, rows, created: refused ? 0 : counts.create, updated: refused ? 0 : counts.update, unchanged: refused ? 0 : counts.unchanged, problems };
      };
      try {
        // All rows or none: a file with one bad row imports nothing, so fixing it and importing again is safe. Rows are
        // written while the rest of the file is still read (a large file, on the parser thread); a problem found
        // later undoes them (Refused), and from the first problem on the rest is only checked, to list every problem.
        return db.transaction((): ImportReport => {
          let writing: Writing | null = null;
          const begin = (): Writing => {
            const now = Date.now();
            const batchId = batch?.id ?? Number(insertBatch.run(request.batch, profile.id, request.language ?? DEFAULT_LABEL_LANGUAGE, now).lastInsertRowid);
            // Recorded even when nothing changed, so the list of imports shows every run; only created devices carry it.
            const importId = Number(insertImport.run(batchId, profile.id, request.fileName ?? null, 0, 0, 0, now).lastInsertRowid);
            return { batchId, importId, nextId: (newestDevice.get() as number) + 1, now };
          };
          let step = pieces.next();
          for (; !step.done; step = pieces.next()) {
            const piece = step.value;
            const plans = plan(piece.rows, batch ? { id: batch.id, name: request.batch } : null, profile.default_credentials_type, problems);
            rows += piece.rows.length;
            for (const p of plans) counts[p.kind]++;
            if (!dryRun && problems.length === 0 && piece.problems === 0) {
              writing ??= begin();
              write(plans, profile.id, writing);
            }
            if (threaded && piece.bytesRead < piece.bytesTotal) request.onProgress?.(rows, Math.max(rows, Math.round((rows * piece.bytesTotal) / piece.bytesRead)));
          }
          for (const p of step.value.problems) problems.push(p);
          problems.sort((a, b) => a.line - b.line);
          if (threaded) request.onProgress?.(rows, rows);
          if (dryRun || problems.length > 0) throw new Refused(report());
          const at = writing ?? begin();
          updateImportCounts.run(counts.create, counts.update, counts.unchanged, at.importId);
          audit.append({
            kind: 'devices.imported',
            details: { batch: request.batch, importId: at.importId, created: counts.create, updated: counts.update, unchanged: counts.unchanged },
          });
          return { ...report(), importId: at.importId };
        })();
      } catch (err) {
        if (err instanceof Refused) return err.report;
        throw err;
      } finally {
        // Stops the parser thread if a write failed before it finished (a generator's own finally runs on return()).
        pieces.return(undefined as never);
      }
    },
  };
}

/** Thrown inside the import's transaction to undo it: a dry run, or a file with problems. */
class Refused extends Error {
  constructor(readonly report: ImportReport) {
    super('import refused');
  }
}

/** A small file, read on this thread at once: the one piece, and then what parseDeviceList found besides the rows. */
function* readInline(text: string, format: z.infer<typeof ImportFormat>, onProgress: ImportRequest['onProgress']): Generator<ParsedPiece, DeviceListSummary> {
  const { rows, ...summary } = parseDeviceList(text, format, onProgress ? { onProgress } : {});
  yield { rows, bytesRead: text.length, bytesTotal: text.length, problems: summary.problems.length };
  return { ...summary, rowCount: rows.length };
}

/**
 * Whether every attribute of the row is stored with that value. Stored texts were written with JSON.stringify, so
 * equal text is the common case and needs no parse; a text written differently is parsed and compared as before.
 */
function sameAttributes(wanted: Record<string, string>, stored: string | null): boolean {
  const texts = stored === null ? {} : (JSON.parse(stored) as Record<string, string>);
  for (const key in wanted) {
    const text = texts[key];
    if (text === undefined) return false;
    if (text !== JSON.stringify(wanted[key]) && JSON.parse(text) !== wanted[key]) return false;
  }
  return true;
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
