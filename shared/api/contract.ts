import { z } from 'zod';
import { Device, DeviceDetail, DeviceInput, DeviceQuery, ProvisionAttempt } from '../devices.ts';
import { Batch, BatchInput, BatchUpdate } from '../batches.ts';
import { ImportFormat, ImportReport } from '../import.ts';
import { Profile, ProfileInput, ProfileUpdate } from '../profiles.ts';
import { IssuedToken, IssueResult, TokenIssue, TokenRevoke, TokenView } from '../tokens.ts';
import { StationStatus } from '../station.ts';

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
  'GetDevice',
  'ManageDevice',
  'ImportDevices',
  'IssueTokens',
  'ManageToken',
  'PrintLabels',
  'ManageProfile',
  'RunSync',
] as const;
export const ApiAction = z.enum(apiActions);
export type ApiAction = z.infer<typeof ApiAction>;

export const adminApi = {
  'station.status': method({ params: z.object({}), result: StationStatus, action: 'GetStatus' }),

  'profiles.list': method({ params: z.object({}), result: z.array(Profile), action: 'ManageProfile' }),
  'profiles.add': method({ params: ProfileInput, result: Profile, action: 'ManageProfile' }),
  'profiles.update': method({ params: ProfileUpdate, result: Profile, action: 'ManageProfile' }),
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
    }),
    result: ImportReport,
    action: 'ImportDevices',
  }),
  'batches.list': method({ params: z.object({}), result: z.array(Batch), action: 'GetDevice' }),
  'batches.get': method({ params: z.object({ batch: z.string() }), result: Batch, action: 'GetDevice' }),
  'batches.create': method({ params: BatchInput, result: Batch, action: 'ManageDevice' }),
  'batches.update': method({ params: BatchUpdate, result: Batch, action: 'ManageDevice' }),

  'tokens.issue': method({ params: TokenIssue, result: IssueResult, action: 'IssueTokens' }),
  'tokens.list': method({ params: z.object({ batch: z.string().optional() }), result: z.array(TokenView), action: 'ManageToken' }),
  'tokens.revoke': method({ params: TokenRevoke, result: z.object({ revoked: z.number().int() }), action: 'ManageToken' }),
  /** A token's printable form again (key, derived secret, payload) for reprinting its label. */
  'tokens.printable': method({ params: z.object({ id: z.number().int() }), result: IssuedToken, action: 'PrintLabels' }),

  /** The latest provisioning attempts, newest first: the live feed's history when the UI opens. */
  'provisioning.attempts': method({
    params: z.object({ limit: z.number().int().min(1).max(1000).default(200) }),
    result: z.array(ProvisionAttempt),
    action: 'GetDevice',
  }),
};

export type AdminApi = typeof adminApi;
export type MethodName = keyof AdminApi;
export type ParamsIn<M extends MethodName> = z.input<AdminApi[M]['params']>;
export type Params<M extends MethodName> = z.output<AdminApi[M]['params']>;
export type Result<M extends MethodName> = z.output<AdminApi[M]['result']>;

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(adminApi, name);
