import type { HandoverEndpoint } from '../../../shared/handover.ts';
import { type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';

const usage =
  'fieldstation handover --batch NAME --target NAME [--host H] [--mqtt-port N] [--http-port N] [--coap-port N] [--tls|--no-tls] [--json]\n' +
  '       fieldstation handover status [--batch NAME] [--json]';

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${flag} must be a port number from 1 to 65535, not '${value}'`);
  return n;
}

export const handover: Command = {
  summary: 'tell a batch\'s devices where they live from now on (a sync target\'s cloud), and follow them until they confirm',
  usage,
  positionals: true,
  options: {
    ...dataOption,
    batch: { type: 'string' },
    target: { type: 'string' },
    host: { type: 'string' },
    'mqtt-port': { type: 'string' },
    'http-port': { type: 'string' },
    'coap-port': { type: 'string' },
    tls: { type: 'boolean' },
    'no-tls': { type: 'boolean' },
  },
  run: (args) =>
    withEngine(args, async (call) => {
      const [sub, ...extra] = args.positionals;
      if (extra.length > 0 || (sub !== undefined && sub !== 'status')) throw new UsageError(`usage: ${usage}`);
      if (sub === 'status') {
        const status = await call('handover.status', { batch: stringOption(args, 'batch') });
        if (args.values.json) printJson(status);
        else {
          console.log(Object.entries(status.counts).map(([state, n]) => `${state} ${n}`).join(', '));
          printTable(status.devices, ['device', 'batch', 'target', 'state', 'reason', 'updatedAt'], 'no hand-overs yet');
        }
        return 0;
      }
      const endpoint: Partial<HandoverEndpoint> = {};
      const host = stringOption(args, 'host');
      if (host !== undefined) endpoint.host = host;
      for (const [flag, key] of [['mqtt-port', 'mqttPort'], ['http-port', 'httpPort'], ['coap-port', 'coapPort']] as const) {
        const n = port(stringOption(args, flag), flag);
        if (n !== undefined) endpoint[key] = n;
      }
      if (args.values.tls && args.values['no-tls']) throw new UsageError('give --tls or --no-tls, not both');
      if (args.values.tls) endpoint.tls = true;
      if (args.values['no-tls']) endpoint.tls = false;
      const result = await call('handover.start', { batch: requiredOption(args, 'batch'), target: requiredOption(args, 'target'), endpoint });
      if (args.values.json) printJson(result);
      else {
        const e = result.endpoint;
        console.log(`${result.started} devices will be handed over to '${result.target}' (${e.tls ? 'TLS, ' : ''}${e.host}, MQTT ${e.mqttPort}, HTTP ${e.httpPort}, CoAP ${e.coapPort})`);
        console.log('each is told once the cloud holds it; follow with `fieldstation handover status`');
        for (const s of result.skipped) console.log(`skipped ${s.device}: ${s.reason}`);
      }
      return 0;
    }),
};
