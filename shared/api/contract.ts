import { z } from 'zod';
import { Device, DeviceDetail, DeviceInput, DeviceQuery, ProvisionAttempt } from '../devices.ts';
import { Profile, ProfileInput, ProfileUpdate } from '../profiles.ts';
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

export const apiActions = ['GetStatus', 'GetDevice', 'ManageDevice', 'ManageProfile'] as const;
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
