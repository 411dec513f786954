import { join } from 'node:path';
import { type ApiTokens, createApiTokens } from './api/api-tokens.ts';
import { createLabelDownloads, type LabelDownloads, labelHandlers } from './api/handlers/labels.ts';
import { onboardingHandlers } from './api/handlers/onboarding.ts';
import { provisioningHandlers } from './api/handlers/provisioning.ts';
import { statusHandlers } from './api/handlers/status.ts';
import { syncHandlers } from './api/handlers/sync.ts';
import { createRouter, type Handlers, type Router } from './api/router.ts';
import { createScopeGuard } from './api/scopes.ts';
import { prepareDataDir, protectDatabaseFile } from './data-dir.ts';
import { createEventBus, type EventBus } from './event-bus.ts';
import { createHandovers, type Handovers } from './handover/handovers.ts';
import { createHandoverSettings } from './handover/settings.ts';
import { handoverHandlers } from './api/handlers/handover.ts';
import { checkMasterKey, createStationKeys, loadFileKey, type StationKeys } from './keys.ts';
import { createLabelService, type LabelService } from './labels/service.ts';
import { createBatches } from './provisioning/batches.ts';
import { createDevices } from './provisioning/devices.ts';
import { createDeviceImport } from './provisioning/import-devices.ts';
import { createInstallation } from './provisioning/installation.ts';
import { createOnboardingTokens } from './provisioning/onboarding-tokens.ts';
import { createProfiles } from './provisioning/profiles.ts';
import { createProvisioningService } from './provisioning/service.ts';
import type { ProvisioningService } from './provisioning/types.ts';
import { createAttributeStore } from './store/attributes.ts';
import { createAuditLog } from './store/audit.ts';
import { type Db, openDatabase } from './store/database.ts';
import { createDeviceReader } from './store/devices.ts';
import type { GroupCommitter } from './store/group-commit.ts';
import { createSyncService, type SyncService } from './sync/worker.ts';
import type { EngineDeps, Runtime } from './runtime.ts';

export type { EngineDeps, Runtime, StationControl } from './runtime.ts';

/** The engine without any listener: the database, the event bus, the provisioning service and the admin API. */
export interface Engine {
  dataDir: string;
  db: Db;
  bus: EventBus;
  router: Router;
  apiTokens: ApiTokens;
  service: ProvisioningService;
  committer: GroupCommitter;
  keys: StationKeys;
  /** Sync targets, outbox delivery and the worker (`startSyncWorker` in sync/worker.ts runs it in the background). */
  sync: SyncService;
  /** Label jobs, renders, print history and printer offsets (the CLI streams files through it). */
  labels: LabelService;
  /** `GET /api/labels.pdf|.zpl` for the admin server. */
  labelDownloads: LabelDownloads;
  /** Devices being handed over to their cloud (the station runs handover/driver.ts while it serves). */
  handovers: Handovers;
  runtime: Runtime;
  log: (line: string) => void;
  close(): Promise<void>;
}

export interface EngineOptions {
  dataDir: string;
  /** The desktop host passes the key it keeps in the OS keychain; headless it is a user-only file. */
  masterKey?: Buffer;
  log?: (line: string) => void;
}


export function openEngine(options: EngineOptions): Engine {
  const dataDir = prepareDataDir(options.dataDir);
  const dbFile = join(dataDir, 'station.db');
  protectDatabaseFile(dbFile);
  const db = openDatabase(dbFile);
  const bus = createEventBus();
  const runtime: Runtime = { startedAt: null, listeners: [], control: null };
  const log = options.log ?? (() => {});
  const deps: EngineDeps = { db, bus, runtime, dataDir, log };
  let masterKey: Buffer;
  try {
    masterKey = options.masterKey ?? loadFileKey(db, dataDir);
    checkMasterKey(db, masterKey, options.masterKey ? 'os-keychain' : 'file');
  } catch (err) {
    db.close();
    throw err;
  }
  const keys = createStationKeys(masterKey);
  const service = createProvisioningService({ db, bus, keys, log });
  const profiles = createProfiles(db);
  const reader = createDeviceReader(db);
  const audit = createAuditLog(db);
  const devices = createDevices(db, profiles, reader, audit);
  const batches = createBatches(db, profiles);
  const tokens = createOnboardingTokens(db, keys, audit);
  const sync = createSyncService({ db, bus, keys, log });
  const labels = createLabelService({ db, keys, bus, listeners: () => runtime.listeners });
  const handoverSettings = createHandoverSettings(db);
  const handovers = createHandovers(db, createAttributeStore(db), handoverSettings);
  const handlers = {
    ...statusHandlers(deps),
    ...syncHandlers({ db, keys, sync }),
    ...labelHandlers({ labels }),
    ...provisioningHandlers({ ...deps, profiles, devices, reader, installation: createInstallation(db, reader, audit) }),
    ...handoverHandlers({ handovers, settings: handoverSettings, profiles, bus, wakeSync: () => sync.wake() }),
    ...onboardingHandlers({ batches, tokens, deviceImport: createDeviceImport(db, profiles, audit), bus }),
  } satisfies Handlers;
  let closing: Promise<void> | null = null;
  return {
    ...deps,
    router: createRouter(handlers, createScopeGuard(db)),
    apiTokens: createApiTokens(db, keys),
    service,
    keys,
    sync,
    labels,
    labelDownloads: createLabelDownloads({ labels, db }),
    handovers,
    committer: service.committer,
    close() {
      // Let queued writes commit before the file closes: they were promised to someone.
      closing ??= service.committer.flush().finally(() => db.close());
      return closing;
    },
  };
}
