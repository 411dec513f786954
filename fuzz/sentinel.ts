import { coapClient } from '../electron/cli/simulate/coap.ts';
import { httpClient } from '../electron/cli/simulate/http.ts';
import { mqttClient } from '../electron/cli/simulate/mqtt.ts';
import type { ProtocolClient } from '../electron/cli/simulate/types.ts';
import { type FuzzContext, sentinel } from './types.ts';

// After each round, a well-behaved device on every transport: it must still get a real SUCCESS and have its first
// telemetry acknowledged. The simulator's clients are the devices (`fieldstation simulate` uses the same ones).

const timeoutMs = 10_000;

export interface SentinelResult {
  transport: 'http' | 'mqtt' | 'coap';
  ok: boolean;
  detail: string;
  ms: number;
}

export async function checkSentinels(ctx: FuzzContext, round: number): Promise<SentinelResult[]> {
  const clients: [SentinelResult['transport'], ProtocolClient][] = [
    ['http', httpClient({ host: '127.0.0.1', port: ctx.ports.http })],
    ['mqtt', mqttClient({ host: '127.0.0.1', port: ctx.ports.mqtt })],
    ['coap', coapClient({ host: '127.0.0.1', port: ctx.ports.coap })],
  ];
  const results: SentinelResult[] = [];
  for (const [transport, client] of clients) {
    const started = performance.now();
    const deviceName = `sentinel-${transport}-${round}`;
    try {
      const answer = await client.provision({ provisionDeviceKey: sentinel.provisionKey, provisionDeviceSecret: sentinel.provisionSecret, deviceName }, timeoutMs);
      if (answer.status !== 'SUCCESS' || !answer.credentials) {
        results.push({ transport, ok: false, detail: `${deviceName}: answered ${answer.status}, expected SUCCESS`, ms: performance.now() - started });
        continue;
      }
      await client.telemetry(answer.credentials, JSON.stringify({ round }), timeoutMs);
      results.push({ transport, ok: true, detail: 'SUCCESS, telemetry acknowledged', ms: performance.now() - started });
    } catch (err) {
      results.push({ transport, ok: false, detail: `${deviceName}: ${err instanceof Error ? err.message : String(err)}`, ms: performance.now() - started });
    }
  }
  return results;
}
