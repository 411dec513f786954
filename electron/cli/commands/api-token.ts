import { ApiAction, apiActions } from '../../../shared/api/contract.ts';
import { parseExpiry } from '../../../shared/durations.ts';
import { ADMIN } from '../../station/api/router.ts';
import { type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter(Boolean));

const create: Command = {
  summary: 'create a scoped API token for a script (signed JWT access + refresh token)',
  usage: `fieldstation api-token create --actions A,B,... [--batches X,Y] [--profiles P,Q] [--expires DURATION] [--json]\n  actions: ${apiActions.join(', ')}`,
  options: { ...dataOption, actions: { type: 'string' }, batches: { type: 'string' }, profiles: { type: 'string' }, expires: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call, engine) => {
      const actions = list(requiredOption(args, 'actions'))!;
      for (const a of actions) if (!ApiAction.safeParse(a).success) throw new UsageError(`unknown action '${a}' (expected ${apiActions.join(', ')})`);
      const batchNames = list(stringOption(args, 'batches'));
      const profileNames = list(stringOption(args, 'profiles'));
      const batches = batchNames && (await call('batches.list', {}));
      const profiles = profileNames && (await call('profiles.list', {}));
      const idsOf = (names: string[], known: { id: number; name: string }[], what: string) =>
        names.map((n) => {
          const found = known.find((k) => k.name === n);
          if (!found) throw new UsageError(`no ${what} named '${n}'`);
          return found.id;
        });
      let expiration: string | undefined;
      const expires = stringOption(args, 'expires');
      if (expires !== undefined) {
        const parsed = parseExpiry(expires, Date.now());
        if (!parsed.ok) throw new UsageError(parsed.message);
        expiration = new Date(parsed.at).toISOString();
      }
      const pair = engine.apiTokens.create(
        {
          actions: actions as ApiAction[],
          batchIds: batchNames && idsOf(batchNames, batches!, 'batch'),
          profileIds: profileNames && idsOf(profileNames, profiles!, 'profile'),
          expiration,
        },
        ADMIN.principal,
      );
      if (args.values.json) printJson(pair);
      else console.log(`access token (30 min):  ${pair.accessToken}\nrefresh token:          ${pair.refreshToken}`);
      return 0;
    }),
};

export const apiToken = group('api-token', 'scoped API tokens for scripts', { create });
