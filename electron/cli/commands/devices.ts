import { DeviceState } from '../../../shared/station.ts';
import { labelLanguages } from '../../../shared/label-words.ts';
import { choiceOption, type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';
import { describeRemoval, provisionedChoice, provisionedOptions } from './removal-flags.ts';

const add: Command = {
  summary: 'add a pre-provisioned device (for the check-pre-provisioned strategy)',
  usage: 'fieldstation device add --profile NAME --name NAME [--batch NAME [--language en|de]] [--token TOKEN] [--serial S] [--mac M] [--label L]',
  options: {
    ...dataOption,
    profile: { type: 'string' },
    name: { type: 'string' },
    batch: { type: 'string' },
    language: { type: 'string' },
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
        // The label language of a batch this creates (as `import --language`): a typo is refused before anything is written.
        language: choiceOption(args, 'language', labelLanguages),
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

/** `--name` may be given more than once: `device remove --name a --name b`. */
const names = (args: Parameters<Command['run']>[0]): string[] => {
  const v = args.values.name;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  if (list.length === 0 || list.some((n) => n === '')) throw new UsageError('--name is required (repeat it for several devices)');
  return list;
};

const remove: Command = {
  summary: 'remove devices (provisioned ones refused unless --keep-provisioned or --include-provisioned); the cloud keeps its copies',
  usage: 'fieldstation device remove --name NAME [--name NAME ...] [--keep-provisioned | --include-provisioned] [--json]',
  options: { ...dataOption, name: { type: 'string', multiple: true }, ...provisionedOptions },
  run: (args) =>
    withEngine(args, async (call) => {
      const result = await call('devices.remove', { names: names(args), provisioned: provisionedChoice(args, true) });
      if (args.values.json) printJson(result);
      else console.log(describeRemoval(result, 'removed'));
      return 0;
    }),
};

const setProfile: Command = {
  summary: 'move devices that never provisioned to another profile (credentials and tokens go with them)',
  usage: 'fieldstation device set-profile --name NAME [--name NAME ...] --profile PROFILE [--json]',
  options: { ...dataOption, name: { type: 'string', multiple: true }, profile: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const profile = requiredOption(args, 'profile');
      const result = await call('devices.setProfile', { names: names(args), profile });
      if (args.values.json) printJson(result);
      else console.log(`${result.moved} device${result.moved === 1 ? '' : 's'} moved to profile '${profile}'; credentials kept`);
      return 0;
    }),
};

export const device = group('device', 'manage single devices', { add, reset, remove, 'set-profile': setProfile });

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
