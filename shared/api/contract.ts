import { z } from 'zod';
import { Device, DeviceDetail, DeviceEvent, DeviceInput, DeviceQuery, OutcomeCounts, ProvisionAttempt, ScanLookup } from '../devices.ts';
import { AttributeLevel, AttributesSet, AttributesSetResult, AuthoredAttributes, DeviceAttributesView, RpcResult, RpcSend } from '../attributes.ts';
import { Batch, BatchInput, BatchUpdate } from '../batches.ts';
import { HandoverSettings, HandoverStart, HandoverStartResult, HandoverStatus, HandoverStatusQuery } from '../handover.ts';
import { ImportFormat, ImportReport } from '../import.ts';
import { LabelLanguage } from '../label-words.ts';
import { LabelCheckResult, LabelHistory, LabelJob, LabelJobId, LabelTemplateInfo, SendToPrinter, SendToPrinterResult, TemplateOffset } from '../labels.ts';
import { UiPreferences, UiPreferencesChange } from '../preferences.ts';
import { Profile, ProfileInput, ProfileUpdate, ProfileUsage } from '../profiles.ts';
import { DeviceRemoval, DeviceSelection, ImportRecord, ProvisionedChoice, RemovalPreview, RemovalResult } from '../removal.ts';
import { IssuedToken, IssueResult, TokenIssue, TokenRevoke, TokenView } from '../tokens.ts';
import { DeviceListenerName, LanInterface, StationCa, StationStatus } from '../station.ts';
import {
  BundleExport,
  BundleExportParams,
  BundleImportParams,
  BundleImportResult,
  SyncDevice,
  SyncDeviceQuery,
  SyncRetry,
  SyncRunSummary,
  SyncStatus,
  SyncTarget,
  SyncTargetChanges,
  SyncTargetInput,
  SyncTargetTestResult,
} from '../sync.ts';

/**
 * The admin API: method name -> params and result. The engine's router implements it, the renderer's
 * client and the CLI are typed from it. Each method names the action a scoped API token needs for it.
 */
interface MethodDef<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  action: ApiAction;
}
const method = <P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R>) => def;

export const apiActions = [
  'GetStatus',
  'ManageStation',
  'GetDevice',
  'ManageDevice',
  'ImportDevices',
  'IssueTokens',
  'ManageToken',
  'PrintLabels',
  'ManageProfile',
  'RunSync',
  /** Add, change or remove sync targets: they receive device credentials, so this is its own action. */
  'ManageSyncTargets',
  /** Send server-side RPC to devices: it makes a device act (reboot, open a valve), so it is its own action. */
  'SendRpc',
] as const;
export const ApiAction = z.enum(apiActions);
export type ApiAction = z.infer<typeof ApiAction>;

export const adminApi = {
  'station.status': method({ params: z.object({}), result: StationStatus, action: 'GetStatus' }),
  /** Switch a device listener (the LAN side) off or on; the admin UI stays up. */
  'station.listeners.set': method({
    params: z.object({ name: DeviceListenerName, enabled: z.boolean() }),
    result: StationStatus,
    action: 'ManageStation',
  }),
  /** The station's own CA certificate (public): devices and browsers trust HTTPS and MQTTS through it. */
  'station.ca': method({ params: z.object({}), result: StationCa, action: 'GetStatus' }),
  /** This computer's LAN interfaces, to choose where devices find the station. */
  'station.interfaces': method({ params: z.object({}), result: z.array(LanInterface), action: 'GetStatus' }),
  /** Moves the device listeners to one interface's address, or all of them (0.0.0.0). */
  'station.bind.set': method({ params: z.object({ address: z.union([z.ipv4(), z.ipv6()]) }), result: StationStatus, action: 'ManageStation' }),

  /** The UI's preferences kept by the station (headless; the desktop app keeps its own): the language. */
  'preferences.get': method({ params: z.object({}), result: UiPreferences, action: 'GetStatus' }),
  'preferences.set': method({ params: UiPreferencesChange, result: UiPreferences, action: 'ManageStation' }),

  'profiles.list': method({ params: z.object({}), result: z.array(Profile), action: 'ManageProfile' }),
  'profiles.add': method({ params: ProfileInput, result: Profile, action: 'ManageProfile' }),
  'profiles.update': method({ params: ProfileUpdate, result: Profile, action: 'ManageProfile' }),
  /** Devices and batches using a profile, and how many devices are still pending: the cost of changing its secret. */
  'profiles.usage': method({ params: z.object({ profile: z.string() }), result: ProfileUsage, action: 'ManageProfile' }),
  'profiles.remove': method({ params: z.object({ profile: z.string() }), result: z.object({}), action: 'ManageProfile' }),

  'devices.list': method({ params: DeviceQuery, result: z.array(Device), action: 'GetDevice' }),
  'devices.get': method({ params: z.object({ name: z.string() }), result: DeviceDetail, action: 'GetDevice' }),
  'devices.add': method({ params: DeviceInput, result: Device, action: 'ManageDevice' }),
  /** Imports a CSV or JSON device list into a batch: all rows or none; dryRun only validates. */
  'devices.import': method({
    params: z.object({
      profile: z.string(),
      batch: z.string().trim().min(1),
      text: z.string(),
      format: ImportFormat.default('auto'),
      dryRun: z.boolean().default(false),
      /** The file's name, kept with the import record (the batch's list of imports). */
      fileName: z.string().max(255).optional(),
      /** The label language of the batch when this import creates it (default 'en'); an existing batch keeps its own. */
      language: LabelLanguage.optional(),
    }),
    result: ImportReport,
    action: 'ImportDevices',
  }),
  /** The imports of a batch (or all), newest first, with how many of the devices each created are still here. */
  'imports.list': method({
    params: z.object({ batch: z.string().optional(), limit: z.number().int().min(1).max(1000).default(100) }),
    result: z.array(ImportRecord),
    action: 'GetDevice',
  }),
  /**
   * "Undo this import": removes the devices it created as a unit (devices it only updated keep their new values).
   * Provisioned devices among them are refused unless `provisioned` is keep or remove (shared/removal.ts).
   */
  'imports.undo': method({
    params: z.object({ id: z.number().int(), provisioned: ProvisionedChoice.default('refuse') }),
    result: RemovalResult,
    action: 'ManageDevice',
  }),
  /** What removing devices, a batch or an import's devices would take away, in numbers (the confirmation). */
  'devices.removal.preview': method({ params: DeviceSelection, result: RemovalPreview, action: 'GetDevice' }),
  /** Removes devices (by name), a batch's devices or an import's; audited per device; the cloud keeps its copies. */
  'devices.remove': method({ params: DeviceRemoval, result: RemovalResult, action: 'ManageDevice' }),
  /**
   * Moves devices that never provisioned to another profile; their credentials and tokens go with them. A
   * provisioned device is refused (conflict): reset it first.
   */
  'devices.setProfile': method({
    params: z.object({ names: z.array(z.string().min(1)).min(1).max(200_000), profile: z.string().min(1) }),
    result: z.object({ moved: z.number().int() }),
    action: 'ManageDevice',
  }),
  'batches.list': method({ params: z.object({}), result: z.array(Batch), action: 'GetDevice' }),
  'batches.get': method({ params: z.object({ batch: z.string() }), result: Batch, action: 'GetDevice' }),
  'batches.create': method({ params: BatchInput, result: Batch, action: 'ManageDevice' }),
  'batches.update': method({ params: BatchUpdate, result: Batch, action: 'ManageDevice' }),
  /** Removes a batch with all its devices and tokens; refused while it holds provisioned devices unless `remove`. */
  'batches.remove': method({
    params: z.object({ batch: z.string().min(1), provisioned: ProvisionedChoice.exclude(['keep']).default('refuse') }),
    result: RemovalResult,
    action: 'ManageDevice',
  }),

  'tokens.issue': method({ params: TokenIssue, result: IssueResult, action: 'IssueTokens' }),
  'tokens.list': method({ params: z.object({ batch: z.string().optional() }), result: z.array(TokenView), action: 'ManageToken' }),
  'tokens.revoke': method({ params: TokenRevoke, result: z.object({ revoked: z.number().int() }), action: 'ManageToken' }),
  /** Revokes a token and issues a replacement with the same settings (lost or damaged label). */
  'tokens.reissue': method({ params: z.object({ id: z.number().int() }), result: IssuedToken, action: 'ManageToken' }),
  /** One more redemption (or `uses` more) for a token that is used up; its own device gets the same credentials again. */
  'tokens.allowMore': method({
    params: z.object({ id: z.number().int(), uses: z.number().int().min(1).max(10_000).default(1) }),
    result: z.object({ id: z.number().int(), maxUses: z.number().int(), uses: z.number().int() }),
    action: 'ManageToken',
  }),
  /**
   * Opens a token locked after wrong secrets, for a person who knows its PIN, password or printed secret; a wrong one
   * is refused (bad_request) and audited, and the token stays locked.
   */
  'tokens.unlock': method({
    params: z.object({ id: z.number().int(), secret: z.string().min(1).max(128) }),
    result: z.object({ id: z.number().int(), unlocked: z.boolean() }),
    action: 'ManageToken',
  }),
  /** A token's printable form again (key, derived secret, payload) for reprinting its label. */
  'tokens.printable': method({ params: z.object({ id: z.number().int() }), result: IssuedToken, action: 'PrintLabels' }),

  /** Label stock: sizes, labels per page, sheet or roll, print head resolutions, the remembered offset. */
  'labels.templates': method({ params: z.object({}), result: z.array(LabelTemplateInfo), action: 'PrintLabels' }),
  /** Whether a job would print (QR readable on the template, every device has a token) before rendering it. */
  'labels.check': method({ params: LabelJob, result: LabelCheckResult, action: 'PrintLabels' }),
  /** Printer offsets (mm), applied to every render of their template; all templates unless one is named. */
  'labels.offsets.get': method({ params: z.object({ template: z.string().optional() }), result: z.array(TemplateOffset), action: 'PrintLabels' }),
  'labels.offsets.set': method({ params: TemplateOffset, result: TemplateOffset, action: 'PrintLabels' }),
  /** A device's printed labels, newest first (the device drawer); reading it is seeing the device, not printing. */
  'labels.history': method({
    params: z.object({ device: z.string().min(1), limit: z.number().int().min(1).max(1000).default(20) }),
    result: LabelHistory,
    action: 'GetDevice',
  }),
  /** Streams the job as ZPL to a raw TCP printer (port 9100) and records it; PDFs stream from GET /api/labels.pdf. */
  'labels.sendToPrinter': method({ params: SendToPrinter, result: SendToPrinterResult, action: 'PrintLabels' }),
  /** Stops a `labels.sendToPrinter` job (named by its `job`) after the label being sent; `cancelled` says whether one was running. */
  'labels.cancel': method({ params: z.object({ job: LabelJobId }), result: z.object({ cancelled: z.boolean() }), action: 'PrintLabels' }),
  /**
   * A downloaded job (`GET /api/labels.pdf?job=ID`) was printed: the desktop's system print finished, or the
   * technician printed the file. Its labels then count as printed for "only labels never printed before".
   */
  'labels.markPrinted': method({ params: z.object({ job: LabelJobId }), result: z.object({ labels: z.number().int() }), action: 'PrintLabels' }),

  /**
   * What a USB barcode scanner typed (a label's token/url/json payload or its short code, with CR/LF): the device
   * behind it, or not_found with a plain message.
   */
  'devices.locate': method({ params: z.object({ scanned: z.string().max(4096) }), result: Device, action: 'GetDevice' }),
  /** The same lookup for the UI's scanner: an unknown code answers `{device: null, message}`, not not_found. */
  'devices.lookup': method({ params: z.object({ scanned: z.string().max(4096) }), result: ScanLookup, action: 'GetDevice' }),
  /** The device's history from the audit log, newest first (attempts under its name included). */
  'devices.events': method({
    params: z.object({ name: z.string(), limit: z.number().int().min(1).max(500).default(50) }),
    result: z.array(DeviceEvent),
    action: 'GetDevice',
  }),
  /** The technician mounted the device: when, and a note on where (room, rack, floor). */
  /**
   * Checks a device in where it was installed. A device already installed somewhere else is refused (conflict, with
   * where and since when) unless `overwrite` says the person confirmed the move; the same place again changes nothing.
   */
  'devices.markInstalled': method({
    params: z.object({ name: z.string(), note: z.string().max(500).default(''), overwrite: z.boolean().default(false) }),
    result: Device,
    action: 'ManageDevice',
  }),
  /**
   * A stuck device (its provisioning answer was lost, its retry refused) back to pending, audited: the tokens that
   * onboarded it get that use back. Credentials are kept unless `keepCredentials` is false (its next provisioning
   * then takes the ones it sends).
   */
  'devices.reset': method({
    params: z.object({ name: z.string(), keepCredentials: z.boolean().default(true) }),
    result: z.object({ device: Device, tokensFreed: z.array(z.number().int()) }),
    action: 'ManageDevice',
  }),
  /**
   * Hands devices over to a sync target's cloud: once sync has made each known there, the station sets the shared
   * attributes that tell it where to go, and follows it until it confirms (shared/handover.ts).
   */
  'handover.start': method({ params: HandoverStart, result: HandoverStartResult, action: 'ManageDevice' }),
  'handover.status': method({ params: HandoverStatusQuery, result: HandoverStatus, action: 'GetDevice' }),
  /** A profile's hand-over attribute names, extras, confirmation attribute and timeout. */
  'handover.settings.get': method({ params: z.object({ profile: z.string() }), result: HandoverSettings, action: 'ManageProfile' }),
  'handover.settings.set': method({
    params: z.object({ profile: z.string(), settings: HandoverSettings }),
    result: HandoverSettings,
    action: 'ManageProfile',
  }),
  /** Provisioning attempts by outcome since a time (default: ever), for the Server screen's counters. */
  'provisioning.summary': method({
    params: z.object({ since: z.string().datetime().optional() }),
    result: OutcomeCounts.extend({ since: z.string().nullable() }),
    action: 'GetDevice',
  }),
  /** The latest provisioning attempts, newest first: the live feed's history when the UI opens. */
  'provisioning.attempts': method({
    params: z.object({ limit: z.number().int().min(1).max(1000).default(200) }),
    result: z.array(ProvisionAttempt),
    action: 'GetDevice',
  }),

  /**
   * Shared attributes for a profile, a batch or one device (device beats batch beats profile); null deletes a key at
   * that level. Connected devices are told within a second, and every device whose values changed is queued for sync.
   */
  'attributes.set': method({ params: AttributesSet, result: AttributesSetResult, action: 'ManageDevice' }),
  /** One device's attributes by scope: client (it reported), shared (what it receives, merged), server. */
  'attributes.list': method({ params: z.object({ device: z.string().min(1) }), result: DeviceAttributesView, action: 'GetDevice' }),
  /** What is authored at one level (a profile's, batch's or device's own shared attributes, before merging). */
  'attributes.authored': method({
    params: z.object({ level: AttributeLevel, name: z.string().min(1) }),
    result: AuthoredAttributes,
    action: 'GetDevice',
  }),
  /**
   * Two-way server-side RPC: the device's sessions subscribed to RPC get `{"method","params"}` and the call waits for
   * its answer; `timeout` when it took the request and never answered, or when no session of it was listening.
   */
  'rpc.send': method({ params: RpcSend, result: RpcResult, action: 'SendRpc' }),

  /** Sync targets (ThingsBoard, webhook); never returns a secret. `add` with an existing name replaces its credentials. */
  'sync.targets.list': method({ params: z.object({}), result: z.array(SyncTarget), action: 'RunSync' }),
  'sync.targets.add': method({ params: SyncTargetInput, result: SyncTarget, action: 'ManageSyncTargets' }),
  'sync.targets.remove': method({ params: z.object({ name: z.string() }), result: z.object({}), action: 'ManageSyncTargets' }),
  /** Changes a stored target's URL, credentials or options; credentials left out stay. Resumes a stopped target. */
  'sync.targets.update': method({ params: SyncTargetChanges, result: SyncTarget, action: 'ManageSyncTargets' }),
  /**
   * Logs in (ThingsBoard: POST /api/auth/login, or the API key on /api/auth/user) or sends a signed ping (webhook)
   * now. With only `name`: the stored target, and a success resumes one stopped by refused credentials. With
   * changes (or a name not stored yet, with `type`): those, merged over the stored target, without saving anything.
   */
  'sync.targets.test': method({ params: SyncTargetChanges, result: SyncTargetTestResult, action: 'RunSync' }),
  /** Queue size and per-target counts (synced, pending, conflict, error). */
  'sync.status': method({ params: z.object({}), result: SyncStatus, action: 'RunSync' }),
  /** Per-device, per-target sync state with the target's message and, for conflicts, both sides' summaries. */
  'sync.devices': method({ params: SyncDeviceQuery, result: z.array(SyncDevice), action: 'RunSync' }),
  /** Drains the outbox now as far as the targets allow (what `sync --once` does). */
  'sync.run': method({ params: z.object({ target: z.string().optional() }), result: SyncRunSummary, action: 'RunSync' }),
  /** Puts conflicts and errors back in the queue (and resumes stopped targets). */
  'sync.retry': method({ params: SyncRetry, result: z.object({ retried: z.number().int() }), action: 'RunSync' }),
  /** A signed bundle of devices with credentials (`export`); it carries every credential, hence ManageSyncTargets. */
  'sync.bundle.export': method({
    params: BundleExportParams,
    result: BundleExport,
    action: 'ManageSyncTargets',
  }),
  /** Verifies and imports a bundle (`import-bundle`); idempotent, conflicts are reported, never overwritten. */
  'sync.bundle.import': method({ params: BundleImportParams, result: BundleImportResult, action: 'ImportDevices' }),
};

export type AdminApi = typeof adminApi;
export type MethodName = keyof AdminApi;
export type ParamsIn<M extends MethodName> = z.input<AdminApi[M]['params']>;
export type Params<M extends MethodName> = z.output<AdminApi[M]['params']>;
export type Result<M extends MethodName> = z.output<AdminApi[M]['result']>;

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(adminApi, name);
