import { formatDuration, parseDuration } from '../../../shared/durations.ts';
import { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from '../../../shared/provisioning.ts';
import {
  choiceOption,
  type Command,
  dataOption,
  type ParsedArgs,
  requiredChoice,
  requiredOption,
  stringOption,
  UsageError,
} from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const profileOptions = {
  ...dataOption,
  name: { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
  strategy: { type: 'string' },
  'credentials-type': { type: 'string' },
  reprovision: { type: 'string' },
  'inactivity-timeout': { type: 'string' },
} as const;

/** `--inactivity-timeout 10m`: how long a polling device may be silent before it shows offline. */
function inactivityTimeout(args: ParsedArgs): number | undefined {
  const text = stringOption(args, 'inactivity-timeout');
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new UsageError(`--inactivity-timeout: ${parsed.message}`);
  return parsed.ms;
}

const add: Command = {
  summary: 'create a device profile (the key/secret devices provision with)',
  usage:
    'fieldstation profile add --name NAME --key KEY --secret SECRET --strategy allow-create|check-pre-provisioned|disabled [--credentials-type T] [--reprovision deny|reissue-same] [--inactivity-timeout DURATION]',
  options: profileOptions,
  run: (args) =>
    withEngine(args, async (call) => {
      const profile = await call('profiles.add', {
        name: requiredOption(args, 'name'),
        provisionDeviceKey: requiredOption(args, 'key'),
        provisionDeviceSecret: requiredOption(args, 'secret'),
        strategy: requiredChoice(args, 'strategy', ProvisionStrategy.options),
        defaultCredentialsType: choiceOption(args, 'credentials-type', CredentialsType.options),
        reprovision: choiceOption(args, 'reprovision', ReprovisionPolicy.options),
        inactivityTimeoutMs: inactivityTimeout(args),
      });
      if (args.values.json) printJson(profile);
      else console.log(`profile '${profile.name}' created (${profile.strategy}, offline after ${formatDuration(profile.inactivityTimeoutMs)} of silence)`);
      return 0;
    }),
};

const list: Command = {
  summary: 'list device profiles',
  usage: 'fieldstation profile list [--json]',
  options: dataOption,
  run: (args) =>
    withEngine(args, async (call) => {
      const profiles = await call('profiles.list', {});
      if (args.values.json) printJson(profiles);
      else printTable(profiles, ['name', 'provisionDeviceKey', 'strategy', 'defaultCredentialsType', 'reprovision', 'inactivityTimeoutMs'], 'no profiles yet');
      return 0;
    }),
};

const update: Command = {
  summary: 'change a profile',
  usage:
    'fieldstation profile update --name NAME [--new-name N] [--key KEY] [--secret SECRET] [--strategy S] [--credentials-type T] [--reprovision P] [--inactivity-timeout DURATION]',
  options: { ...profileOptions, 'new-name': { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const profile = await call('profiles.update', {
        profile: requiredOption(args, 'name'),
        name: stringOption(args, 'new-name'),
        provisionDeviceKey: stringOption(args, 'key'),
        provisionDeviceSecret: stringOption(args, 'secret'),
        strategy: choiceOption(args, 'strategy', ProvisionStrategy.options),
        defaultCredentialsType: choiceOption(args, 'credentials-type', CredentialsType.options),
        reprovision: choiceOption(args, 'reprovision', ReprovisionPolicy.options),
        inactivityTimeoutMs: inactivityTimeout(args),
      });
      if (args.values.json) printJson(profile);
      else console.log(`profile '${profile.name}' updated`);
      return 0;
    }),
};

const remove: Command = {
  summary: 'remove a profile that has no devices or batches',
  usage: 'fieldstation profile remove --name NAME',
  options: { ...dataOption, name: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const name = requiredOption(args, 'name');
      await call('profiles.remove', { profile: name });
      console.log(`profile '${name}' removed`);
      return 0;
    }),
};
export const profile = group('profile', 'manage device profiles', { add, list, update, remove });
