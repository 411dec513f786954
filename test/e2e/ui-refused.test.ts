import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';

/*
 * A noisy address as the technician sees it: the station started with `--max-connections-per-address 2`, one address
 * (127.0.0.2) opens five connections to the HTTP listener and holds them; the Server screen, never reloaded, shows
 * three refused, why, and from where.
 */

describe('refused connections on the Server screen', () => {
  let ui: ServedUi | undefined;
  const held: Socket[] = [];

  beforeAll(async () => {
    ui = await openServedUi({ prefix: 'fieldstation-refused-', args: ['--bind', '127.0.0.1', '--listeners', 'http', '--max-connections-per-address', '2'] });
  }, 60_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await ui?.close();
  });

  it('counts the connections over the per-address limit, by reason, with the address', { timeout: 60_000 }, async () => {
    const { page, station } = ui!;
    const panel = page.getByRole('region', { name: 'Refused' });
    await expect.poll(() => panel.locator('[data-refused-total]').getAttribute('data-refused-total')).toBe('0');
    await expect.poll(() => panel.textContent()).toContain('Each address may hold 2 connections');

    // Each attempt settles once connected (admitted, or accepted and then cut) or closed; all stay held till the end.
    for (let i = 0; i < 5; i++) {
      held.push(
        await new Promise<Socket>((resolve) => {
          const s = connect({ host: '127.0.0.1', port: station.ports.http!, localAddress: '127.0.0.2' });
          s.on('error', () => {});
          s.once('connect', () => resolve(s));
          s.once('close', () => resolve(s));
        }),
      );
    }

    await expect.poll(() => panel.locator('[data-refused-total]').getAttribute('data-refused-total'), { timeout: 15_000 }).toBe('3');
    const byReason = panel.getByRole('table', { name: 'Refused by listener and reason' });
    await expect.poll(() => byReason.locator('tbody tr').allInnerTexts()).toEqual(['HTTP\ttoo many open connections from one address\t3']);
    const addresses = panel.getByRole('table', { name: 'Most refused addresses' });
    await expect.poll(() => addresses.locator('tbody tr').allInnerTexts()).toEqual(['127.0.0.2\t3']);
  });
});

/*
 * A slowloris client as the technician sees it: the station started with `--http-headers-timeout 1`, one address
 * (127.0.0.3) opens a connection and never finishes its request; it is cut and the Server screen says why.
 */
describe('slow requests on the Server screen', () => {
  let ui: ServedUi | undefined;

  beforeAll(async () => {
    ui = await openServedUi({
      prefix: 'fieldstation-slow-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http', '--http-headers-timeout', '1', '--http-request-timeout', '1'],
    });
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('counts a request cut for arriving too slowly, by reason, with the address', { timeout: 60_000 }, async () => {
    const { page, station } = ui!;
    const panel = page.getByRole('region', { name: 'Refused' });
    await expect.poll(() => panel.locator('[data-refused-total]').getAttribute('data-refused-total')).toBe('0');
    const answer = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: station.ports.http!, localAddress: '127.0.0.3' }, () => s.write('POST /api/v1/provision HTTP/1.1\r\n'));
      let received = '';
      s.on('data', (d) => (received += d.toString('latin1')));
      s.on('error', () => {});
      s.once('close', () => resolve(received));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await expect.poll(() => panel.locator('[data-refused-total]').getAttribute('data-refused-total'), { timeout: 15_000 }).toBe('1');
    const byReason = panel.getByRole('table', { name: 'Refused by listener and reason' });
    await expect.poll(() => byReason.locator('tbody tr').allInnerTexts()).toEqual(['HTTP\trequest too slow (header or body timeout)\t1']);
    const addresses = panel.getByRole('table', { name: 'Most refused addresses' });
    await expect.poll(() => addresses.locator('tbody tr').allInnerTexts()).toEqual(['127.0.0.3\t1']);
  });
});
