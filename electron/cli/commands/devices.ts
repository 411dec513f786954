import { DeviceState } from '../../../shared/station.ts';
import { choiceOption, type Command, dataOption, requiredOption, stringOption } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const add: Command = {
  summary: 'add a pre-provisioned device (for the check-pre-provisioned strategy)',
  usage: 'fieldstation device add --profile NAME --name NAME [--batch NAME] [--token TOKEN] [--serial S] [--mac M] [--label L]',
  options: {
    ...dataOption,
    profile: { type: 'string' },
    name: { type: 'string' },
    batch: { type: 'string' },
    token: { type: 'string' },
    serial: { type: 'string' },
    mac: { type: 'string' },
    label: { type: 'string' },
  },
  run: (args) =>
    withEngine(args, async (call) => {
      const device = await call('devices.add', {
        profile: requiredOption(args, 'profile'),
        name: requiredOption(args, 'name'),
        batch: stringOption(args, 'batch'),
        token: stringOption(args, 'token'),
        serial: stringOption(args, 'serial'),
        mac: stringOption(args, 'mac'),
        label: stringOption(args, 'label'),
      });
      if (args.values.json) printJson(device);
      else console.log(`device '${device.name}' added to profile '${device.profile}' (${device.credentialsType ?? 'no credentials yet'})`);
      return 0;
    }),
};

const reset: Command = {
  summary: 'put a stuck device back to pending (its answer was lost): its tokens get their use back; credentials kept unless --drop-credentials',
  usage: 'fieldstation device reset --name NAME [--drop-credentials] [--json]',
  options: { ...dataOption, name: { type: 'string' }, 'drop-credentials': { type: 'boolean' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const keepCredentials = args.values['drop-credentials'] !== true;
      const result = await call('devices.reset', { name: requiredOption(args, 'name'), keepCredentials });
      if (args.values.json) printJson(result);
      else {
        const freed = result.tokensFreed.length;
        console.log(
          `device '${result.device.name}' is pending again (credentials ${keepCredentials ? 'kept' : 'dropped'}); ` +
            `${freed} token${freed === 1 ? '' : 's'} usable again`,
        );
      }
      return 0;
    }),
};

export const device = group('device', 'manage single devices', { add, reset });

export const devices: Command = {
  summary: 'list devices with their state',
  usage: 'fieldstation devices [--batch NAME] [--profile NAME] [--state pending|provisioned|online|offline|handed-over] [--json]',
  options: { ...dataOption, batch: { type: 'string' }, profile: { type: 'string' }, state: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const list = await call('devices.list', {
        batch: stringOption(args, 'batch'),
        profile: stringOption(args, 'profile'),
        state: choiceOption(args, 'state', DeviceState.options),
        withCredentials: true,
      });
      if (args.values.json) printJson(list);
      else printTable(list, ['name', 'profile', 'batch', 'state', 'credentialsType', 'provisionedVia', 'lastSeenAt'], 'no devices');
      return 0;
    }),
};
