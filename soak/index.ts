import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../test/support/thingsboard-cloud/faults.ts';
import { startThingsBoardCloud } from '../test/support/thingsboard-cloud.ts';
import { type Check, outboxCoversUnsynced, provisionedCount, type StoredDevice, syncedExactlyOnce, tokensWithinLimits, toldAreStored } from './invariants.ts';
import { cli, startSoakStation } from './station.ts';
import { startTraffic } from './traffic.ts';

// `npm run soak -- --minutes N`: devices provision, send telemetry and client attributes, and sync runs to the
// ThingsBoard test cloud, while the station is SIGKILLed and restarted at random (seeded) intervals. Then the
// promises that must survive any crash are checked; any violation makes the exit code 1.

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'kill-min': { type: 'string', default: '30' },
    'kill-max': { type: 'string', default: '90' },
    'pace-ms': { type: 'string', default: '150' },
    tokens: { type: 'string', default: '20' },
    'token-uses': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(args.minutes);
const seed = Number(args.seed);
const killMinS = Number(args['kill-min']);
const killMaxS = Number(args['kill-max']);
const drainTimeoutMs = 180_000;
const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };

// A client library throwing from a callback must not end the soak without its summary or leave the station behind.
process.on('uncaughtException', (err) => {
  console.error(`soak: uncaught ${err.stack ?? err.message}`);
  uncaught.push(err.message);
});
const uncaught: string[] = [];
process.exitCode = await main();

async function main(): Promise<number> {
  const random = seededRandom(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-soak-'));
  const cloud = await startThingsBoardCloud({ profiles: ['soak', 'soak-labels'] });
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  log(`soak: ${minutes} min, seed ${seed}, kill every ${killMinS}-${killMaxS} s, data ${dataDir}, cloud ${cloud.url}`);

  const key = 'soak-key';
  const secret = 'soak-secret';
  cli(['profile', 'add', '--data', dataDir, '--name', 'soak', '--key', key, '--secret', secret, '--strategy', 'allow-create']);
  cli(['profile', 'add', '--data', dataDir, '--name', 'soak-labels', '--key', 'soak-labels-key', '--secret', 'soak-labels-secret', '--strategy', 'allow-create']);
  cli(['batch', 'add', '--data', dataDir, '--name', 'labelled', '--profile', 'soak-labels']);
  cli(['sync', 'target', 'add', '--data', dataDir, '--name', 'cloud', '--type', 'thingsboard', '--url', cloud.url, '--username', TENANT.username, '--password', TENANT.password]);

  const station = await startSoakStation(dataDir);
  // Several uses per token, so the limit is reached under traffic and kills alike.
  const tokens: Array<{ key: string; secret: string }> = [];
  for (let i = 0; i < Number(args.tokens); i++) {
    const issued = (await station.api('tokens.issue', { batch: 'labelled', uses: Number(args['token-uses']) })) as { tokens: typeof tokens };
    tokens.push(...issued.tokens);
  }
  log(`station up: http ${station.ports.http}, mqtt ${station.ports.mqtt}, coap ${station.ports.coap}; ${tokens.length} tokens of ${args['token-uses']} uses`);
  const traffic = startTraffic({ ports: station.ports, key, secret, tokens, random, paceMs: Number(args['pace-ms']) });

  const end = started + minutes * 60_000;
  let restartFailures = 0;
  for (;;) {
    const next = Date.now() + (killMinS + random() * (killMaxS - killMinS)) * 1000;
    if (next >= end) break;
    await new Promise((r) => setTimeout(r, next - Date.now()));
    await station.kill();
    try {
      await station.restart();
    } catch (err) {
      // A restart that fails is a finding too (e.g. a database left unopenable): record it, try once more.
      restartFailures += 1;
      log(`restart failed: ${(err as Error).message.split('\n')[0]}`);
      await station.restart();
    }
    log(`kill ${station.kills}: restarted; ${traffic.told.size} devices told SUCCESS, cloud has ${cloud.state.devices.size}`);
  }
  await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));

  // The last crash, in the middle of traffic and sync: checked with the station dead, before anything could repair
  // what it left.
  await station.kill();
  await traffic.stop();
  const checks: Check[] = [];
  const stored = () => JSON.parse(cli(['devices', '--data', dataDir, '--json'])) as StoredDevice[];
  checks.push(toldAreStored(traffic.told, stored()));
  checks.push(tokensWithinLimits(dataDir, traffic.tokenSuccesses));
  checks.push(outboxCoversUnsynced(dataDir, cloud));

  // Then let sync finish and check the cloud.
  await station.restart();
  const drained = await waitForDrain(dataDir, cloud, drainTimeoutMs);
  await station.stop();
  checks.push(syncedExactlyOnce(stored(), cloud));
  checks.push({
    name: 'a device told SUCCESS is never refused its credentials',
    checked: traffic.counts.telemetryOk + traffic.counts.attributesOk + traffic.counts.refusedAfterSuccess.length,
    violations: traffic.counts.refusedAfterSuccess.map((n) => `${n}: 401 after SUCCESS`),
  });
  if (uncaught.length > 0) checks.push({ name: 'the soak itself ran without uncaught errors', checked: 1, violations: uncaught });
  if (restartFailures > 0) checks.push({ name: 'the station restarts after every kill', checked: station.kills, violations: [`${restartFailures} restarts failed`] });
  await cloud.close();

  const c = traffic.counts;
  console.log('\nSoak summary');
  console.log(`  duration ${minutes} min, seed ${seed}, SIGKILLs ${station.kills} (every ${killMinS}-${killMaxS} s, the last mid-traffic before the checks)`);
  console.log(`  provisioning attempts: http ${c.attempts.http}, mqtt ${c.attempts.mqtt}, coap ${c.attempts.coap}, label tokens ${c.attempts.token}`);
  console.log(`  told SUCCESS:          http ${c.successes.http}, mqtt ${c.successes.mqtt}, coap ${c.successes.coap}, label tokens ${c.successes.token}`);
  console.log(`  unanswered (station down or cut): ${c.unanswered}`);
  console.log(`  telemetry 200: ${c.telemetryOk}, client attributes 200: ${c.attributesOk}`);
  console.log(`  cloud: ${cloud.state.devices.size} devices, ${cloud.stats.devicesCreated} creates; final drain ${drained ? 'complete' : 'NOT complete'} `);
  let violations = 0;
  for (const check of checks) {
    violations += check.violations.length;
    console.log(`  ${check.violations.length === 0 ? 'OK  ' : 'FAIL'} ${check.name} (${check.checked} checked)`);
    for (const v of check.violations.slice(0, 10)) console.log(`         ${v}`);
    if (check.violations.length > 10) console.log(`         … ${check.violations.length - 10} more`);
  }
  if (!drained) violations += 1;
  console.log(violations === 0 ? '  all invariants hold' : `  ${violations} violations`);
  if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
  return violations === 0 ? 0 : 1;
}

/** Until the cloud has every provisioned device (bounded). */
async function waitForDrain(dataDir: string, cloud: Awaited<ReturnType<typeof startThingsBoardCloud>>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cloud.state.devices.size >= provisionedCount(dataDir)) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}
