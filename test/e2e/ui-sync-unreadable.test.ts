import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../electron/station/sync/sealed.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';

/*
 * Issue 11: a sync target whose stored credentials cannot be read on this station (its data folder came from another
 * computer) is shown stopped with what to do, in the person's language; `sync.run` answers 409 with a stable code.
 */
const secret = '0123456789abcdef0123';

describe('sync screen: credentials that cannot be read here', () => {
  let ui: ServedUi | undefined;

  beforeAll(async () => {
    ui = await openServedUi({
      prefix: 'fieldstation-sync-unreadable-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: (rpc) => rpc('sync.targets.add', { name: 'cloud', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret }).then(() => undefined),
    });
    // Sealed under a key this station does not have, written beside the running station (WAL lets both connections in).
    const db = new Database(join(ui.dataDir, 'station.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare("UPDATE sync_targets SET secret_box = ? WHERE name = 'cloud'").run(seal(randomBytes(32), 'sync-target:cloud', JSON.stringify({ secret })));
    db.close();
  }, 90_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('answers sync.run with 409 credentials_unreadable, and the target card says to enter them again, in English and German', async () => {
    const r = await fetch(`${ui!.station.baseUrl}/api/rpc/sync.run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ui!.station.secret}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'credentials_unreadable', details: { targets: ['cloud'] } } });

    const page = ui!.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync', exact: true }).click();
    const card = page.locator('[data-target="cloud"]');
    await expect.poll(() => card.locator('[data-target-status]').getAttribute('data-target-status'), { timeout: 15_000 }).toBe('stopped');
    await expect
      .poll(() => card.locator('[data-credentials-unreadable]').textContent(), { timeout: 15_000 })
      .toMatch(/^The saved credentials of this target can't be read on this station .*enter them again\.$/);

    await page.locator('[data-language-picker]').selectOption('de');
    await expect
      .poll(() => card.locator('[data-credentials-unreadable]').textContent(), { timeout: 15_000 })
      .toMatch(/^Die gespeicherten Zugangsdaten dieses Ziels können auf dieser Station nicht gelesen werden/);
  });
});
