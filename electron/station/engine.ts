import { join } from 'node:path';
import { type ApiTokens, createApiTokens } from './api/api-tokens.ts';
import { attributeHandlers } from './api/handlers/attributes.ts';
import { createLabelDownloads, type LabelDownloads, labelHandlers } from './api/handlers/labels.ts';
import { onboardingHandlers } from './api/handlers/onboarding.ts';
import { recoveryHandlers } from './api/handlers/recovery.ts';
import { removalHandlers } from './api/handlers/removal.ts';
import { gatedMethods, waitingForGate } from './api/gated-handlers.ts';
import { provisioningHandlers } from './api/handlers/provisioning.ts';
import { statusHandlers } from './api/handlers/status.ts';
import { tlsHandlers } from './api/handlers/tls.ts';
import { preferenceHandlers } from './api/handlers/preferences.ts';
import { createUiPreferences } from './ui-preferences.ts';
import { syncHandlers } from './api/handlers/sync.ts';
import { createRouter, type Handlers, type Router } from './api/router.ts';
import { createScopeGuard } from './api/scopes.ts';
import { prepareDataDir, protectDatabaseFile } from './data-dir.ts';
import { createAttributeAuthoring } from './device-api/authoring.ts';
import { createDeviceApi, type DeviceApi } from './device-api/service.ts';
import { createEventBus, type EventBus } from './event-bus.ts';
import { createHandovers, type Handovers } from './handover/handovers.ts';
import { createHandoverSettings } from './handover/settings.ts';
import { handoverHandlers } from './api/handlers/handover.ts';
import { checkMasterKey, createStationKeys, loadFileKey, type StationKeys } from './keys.ts';
import { createLabelService, type LabelService } from './labels/service.ts';
import { createBatches } from './provisioning/batches.ts';
import { createDevices } from './provisioning/devices.ts';
import { createInstallation } from './provisioning/installation.ts';
import { createOnboardingTokens } from './provisioning/onboarding-tokens.ts';
import { createRecovery } from './provisioning/recovery.ts';
import { createRemoval } from './provisioning/removal.ts';
import { createImportLog } from './provisioning/imports.ts';
import { createProfiles } from './provisioning/profiles.ts';
import { createProvisioningService } from './provisioning/service.ts';
import { createStationWriter, type StationJobs, webhookJobsOn } from './station-writer.ts';
import type { Presence } from './provisioning/presence.ts';
import type { ProvisioningService } from './provisioning/types.ts';
import { createAttributeStore } from './store/attributes.ts';
import { createAuditLog } from './store/audit.ts';
import { type Db, openDatabase } from './store/database.ts';
import { createDeviceReader } from './store/devices.ts';
import type { GroupCommitter } from './store/group-commit.ts';
import { createWriteGate } from './store/write-gate.ts';
import type { Writer } from './store/writer-thread.ts';
import { createSyncService, type SyncService } from './sync/worker.ts';
import { createStationTls, type StationTls } from './tls/station-tls.ts';
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
  /** Attributes requests and updates, server-side RPC: what devices do after provisioning (device-api/). */
  deviceApi: DeviceApi;
  committer: GroupCommitter;
  /** Starts the provisioning writer thread before the first device asks (store/writer-thread.ts prepare). */
  prepareWriter(): void;
  /** Whether a provisioning writer job is still on its way back (its commit may already be visible to readers). */
  writerBusy(): boolean;
  /** Online ⇄ offline; the serving station recovers it at start and runs its sweep (provisioning/presence.ts). */
  presence: Presence;
  keys: StationKeys;
  /** Sync targets, outbox delivery and the worker (`startSyncWorker` in sync/worker.ts runs it in the background). */
  sync: SyncService;
  /** Label jobs, renders, print history and printer offsets (the CLI streams files through it). */
  labels: LabelService;
  /** `GET /api/labels.pdf|.zpl` for the admin server. */
  labelDownloads: LabelDownloads;
  /** Devices being handed over to their cloud (the station runs handover/driver.ts while it serves). */
  handovers: Handovers;
  /** The station's CA and server certificate for HTTPS and MQTTS, made on first use in `<data>/tls/`. */
  tls: StationTls;
  runtime: Runtime;
  log: (line: string) => void;
  close(): Promise<void>;
}

export interface EngineOptions {
  dataDir: string;
  /** The desktop host passes the key it keeps in the OS keychain; headless it is a user-only file. */
  masterKey?: Buffer;
  log?: (line: string) => void;
  /**
   * Where provisioning decisions and webhook batches commit; by default the station's writer thread
   * (station-writer.ts). The bench's no-database ceiling passes one that answers at once (bench/load/echo-writer.ts).
   */
  writer?: (db: Db) => Writer<StationJobs>;
}


export function openEngine(options: EngineOptions): Engine {
  const dataDir = prepareDataDir(options.dataDir);
  const dbFile = join(dataDir, 'station.db');
  protectDatabaseFile(dbFile);
  const db = openDatabase(dbFile);
  const bus = createEventBus();
  const runtime: Runtime = { startedAt: null, listeners: [], control: null, limits: null };
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
  // Closed while a long admin write runs on the writer thread; main-thread writers wait for it (write-gate.ts).
  const gate = createWriteGate();
  const writer = options.writer?.(db) ?? createStationWriter(db);
  const service = createProvisioningService({ db, bus, keys, log, gate, writer });
  const profiles = createProfiles(db);
  const reader = createDeviceReader(db);
  const audit = createAuditLog(db);
  const devices = createDevices(db, profiles, reader, audit);
  const batches = createBatches(db, profiles);
  const tokens = createOnboardingTokens(db, keys, audit);
  const sync = createSyncService({
    db,
    bus,
    keys,
    log,
    webhookJobs: webhookJobsOn(writer),
  });
  const labels = createLabelService({ db, keys, bus, listeners: () => runtime.listeners });
  const attributes = createAttributeStore(db);
  const handoverSettings = createHandoverSettings(db);
  const handovers = createHandovers(db, attributes, handoverSettings);
  const deviceApi = createDeviceApi({
    attributes,
    audit,
    committer: service.committer,
    log,
    onSharedDelivered(deviceId, keys) {
      if (!handovers.isHandoverDelivery(deviceId, keys)) return;
      service.committer
        .run(() => handovers.delivered(deviceId, Date.now()))
        .then((moved) => moved && bus.publish({ type: 'changed', entity: 'handovers', batch: null }))
        .catch((err: unknown) => log(`hand-over: ${(err as Error).message}`));
    },
  });
  const tls = createStationTls({ dataDir, log });
  const handlers = {
    ...statusHandlers(deps),
    ...tlsHandlers({ tls }),
    ...preferenceHandlers({ preferences: createUiPreferences(db), bus }),
    ...syncHandlers({ db, keys, sync }),
    ...labelHandlers({ labels }),
    ...provisioningHandlers({ ...deps, profiles, devices, reader, installation: createInstallation(db, reader, audit) }),
    ...handoverHandlers({ handovers, settings: handoverSettings, profiles, bus, wakeSync: () => sync.wake() }),
    ...onboardingHandlers({ batches, tokens, writer: service.writer, gate, bus }),
    ...recoveryHandlers({ recovery: createRecovery(db, reader, audit, keys), bus, logins: service.logins }),
    ...removalHandlers({
      removal: createRemoval(db, audit),
      imports: createImportLog(db),
      writer: service.writer,
      gate,
      logins: service.logins,
      bus,
    }),
    ...attributeHandlers({ db, bus, deviceApi, authoring: createAttributeAuthoring(db, attributes, deviceApi) }),
  } satisfies Handlers;
  let closing: Promise<void> | null = null;
  return {
    ...deps,
    router: createRouter(waitingForGate(handlers, gate, gatedMethods), createScopeGuard(db)),
    apiTokens: createApiTokens(db, keys),
    service,
    deviceApi,
    keys,
    sync,
    labels,
    labelDownloads: createLabelDownloads({ labels, db }),
    handovers,
    tls,
    committer: service.committer,
    prepareWriter: () => service.writer.prepare(),
    writerBusy: () => service.writer.busy(),
    presence: service.presence,
    close() {
      // Let queued writes commit before the file closes: they were promised to someone.
      deviceApi.close();
      // The writer thread closes its own connection; the main one closes once both are done.
      closing ??= Promise.allSettled([service.committer.flush(), service.writer.close()]).then(() => void db.close());
      return closing;
    },
  };
}
