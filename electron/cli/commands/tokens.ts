import { type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const issue: Command = {
  summary: 'issue onboarding tokens for a batch: one per device, or one group token redeemable N times',
  usage:
    'fieldstation tokens issue --batch NAME [--per-device | --uses N | --device NAME] [--expires DURATION|ISO-8601] [--pin DIGITS | --password TEXT] [--json]',
  options: {
    ...dataOption,
    batch: { type: 'string' },
    device: { type: 'string' },
    'per-device': { type: 'boolean' },
    uses: { type: 'string' },
    expires: { type: 'string' },
    pin: { type: 'string' },
    password: { type: 'string' },
    policy: { type: 'string' },
  },
  run: (args) =>
    withEngine(args, async (call) => {
      const usesText = stringOption(args, 'uses');
      const uses = usesText === undefined ? undefined : Number(usesText);
      if (uses !== undefined && (!Number.isInteger(uses) || uses < 1)) throw new UsageError(`--uses must be a whole number of at least 1, not '${usesText}'`);
      const policy = stringOption(args, 'policy');
      const result = await call('tokens.issue', {
        batch: requiredOption(args, 'batch'),
        device: stringOption(args, 'device'),
        perDevice: args.values['per-device'] === true,
        uses,
        expires: stringOption(args, 'expires'),
        pin: stringOption(args, 'pin'),
        password: stringOption(args, 'password'),
        assignment: policy ? { policy } : undefined,
      });
      if (args.values.json) {
        printJson(result.tokens);
      } else {
        printTable(result.tokens, ['id', 'device', 'shortCode', 'key', 'secret', 'maxUses', 'expiresAt'], 'no tokens issued');
      }
      for (const s of result.skipped) console.error(`skipped ${s.device}: ${s.reason}`);
      return 0;
    }),
};

const list: Command = {
  summary: 'list onboarding tokens with their state (active, expired, used, revoked, locked)',
  usage: 'fieldstation tokens list [--batch NAME] [--json]',
  options: { ...dataOption, batch: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const tokens = await call('tokens.list', { batch: stringOption(args, 'batch') });
      if (args.values.json) printJson(tokens);
      else printTable(tokens, ['id', 'device', 'batch', 'shortCode', 'state', 'uses', 'maxUses', 'expiresAt', 'lockedUntil'], 'no tokens');
      return 0;
    }),
};

const revoke: Command = {
  summary: 'revoke one token or every token of a batch',
  usage: 'fieldstation tokens revoke (--id ID | --batch NAME)',
  options: { ...dataOption, id: { type: 'string' }, batch: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const idText = stringOption(args, 'id');
      const batch = stringOption(args, 'batch');
      if ((idText === undefined) === (batch === undefined)) throw new UsageError('give --id ID or --batch NAME');
      const id = idText === undefined ? undefined : Number(idText);
      if (id !== undefined && !Number.isInteger(id)) throw new UsageError(`--id must be a token id, not '${idText}'`);
      const { revoked } = await call('tokens.revoke', { id, batch });
      console.log(`${revoked} token${revoked === 1 ? '' : 's'} revoked`);
      return 0;
    }),
};

const reissue: Command = {
  summary: 'replace a token (lost or damaged label): revoke it and issue a new key with the same settings',
  usage: 'fieldstation tokens reissue --id ID [--json]',
  options: { ...dataOption, id: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const idText = requiredOption(args, 'id');
      const id = Number(idText);
      if (!Number.isInteger(id)) throw new UsageError(`--id must be a token id, not '${idText}'`);
      const token = await call('tokens.reissue', { id });
      if (args.values.json) printJson(token);
      else printTable([token], ['id', 'device', 'shortCode', 'key', 'secret', 'maxUses', 'expiresAt'], '');
      return 0;
    }),
};

const allowMore: Command = {
  summary: "allow a used-up token one more redemption (or --uses N more): its device's retry gets the same credentials",
  usage: 'fieldstation tokens allow-more --id ID [--uses N] [--json]',
  options: { ...dataOption, id: { type: 'string' }, uses: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const idText = requiredOption(args, 'id');
      const id = Number(idText);
      if (!Number.isInteger(id)) throw new UsageError(`--id must be a token id, not '${idText}'`);
      const usesText = stringOption(args, 'uses') ?? '1';
      const uses = Number(usesText);
      if (!Number.isInteger(uses) || uses < 1) throw new UsageError(`--uses must be a whole number of at least 1, not '${usesText}'`);
      const result = await call('tokens.allowMore', { id, uses });
      if (args.values.json) printJson(result);
      else console.log(`token ${result.id}: ${result.uses} of ${result.maxUses} uses taken`);
      return 0;
    }),
};

const unlock: Command = {
  summary: "open a token locked after wrong secrets, with its PIN, password or printed secret",
  usage: 'fieldstation tokens unlock --id ID (--pin DIGITS | --password TEXT | --secret TEXT) [--json]',
  options: { ...dataOption, id: { type: 'string' }, pin: { type: 'string' }, password: { type: 'string' }, secret: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const idText = requiredOption(args, 'id');
      const id = Number(idText);
      if (!Number.isInteger(id)) throw new UsageError(`--id must be a token id, not '${idText}'`);
      const given = ['pin', 'password', 'secret'].map((k) => stringOption(args, k)).filter((v): v is string => v !== undefined);
      if (given.length !== 1) throw new UsageError('give the token\'s --pin, --password or --secret (one of them)');
      const result = await call('tokens.unlock', { id, secret: given[0]! });
      if (args.values.json) printJson(result);
      else console.log(result.unlocked ? `token ${id} unlocked` : `token ${id} was not locked`);
      return 0;
    }),
};

export const tokens = group('tokens', 'issue, list, revoke, reissue onboarding tokens, or allow one more use', {
  issue,
  list,
  revoke,
  reissue,
  'allow-more': allowMore,
  unlock,
});
