// The 100,000-device station the UI must stay quick with: used by the e2e test and by `npm run bench`.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../electron/station/store/database.ts';

export const deviceCount = 100_000;
const states = ['pending', 'provisioned', 'online'] as const;
export const deviceName = (i: number) => `sensor-${String(i).padStart(6, '0')}`;

/** One profile and 100,000 devices in one transaction, straight into the station's file (schema by its migrations). */
export function seed100k(dataDir: string): number {
  const started = performance.now();
  const db = openDatabase(join(dataDir, 'station.db'));
  const now = Date.now();
  db.transaction(() => {
    const profile = db
      .prepare(`INSERT INTO profiles (name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES ('fleet', 'fleet-key', 'fleet-secret', 'allow-create', ?, ?)`)
      .run(now, now).lastInsertRowid;
    const batch = db.prepare(`INSERT INTO batches (name, profile_id, created_at) VALUES ('plant-room-1', ?, ?)`).run(profile, now).lastInsertRowid;
    const device = db.prepare(`INSERT INTO devices
      (name, profile_id, batch_id, serial, mac, state, provisioned_at, provisioned_via, last_seen_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const credentials = db.prepare(`INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, 'ACCESS_TOKEN', ?, ?)`);
    for (let i = 1; i <= deviceCount; i++) {
      const state = states[i % 3]!;
      const mac = `3C:71:BF:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
      const id = device.run(
        deviceName(i),
        profile,
        i % 10 === 0 ? null : batch,
        `SN${9_000_000 + i}`,
        mac,
        state,
        state === 'pending' ? null : now - i,
        state === 'pending' ? null : 'http',
        state === 'online' ? now - i : null,
        now,
      ).lastInsertRowid;
      if (state !== 'pending') credentials.run(id, `token-${i}`, `token-${i}`);
    }
  })();
  db.close();
  return performance.now() - started;
}


/**
 * Milliseconds from the input event (or click) to the frame after `[data-result-count]` shows `expected`: the time a
 * person waits to see the filtered rows.
 */
export async function timeUntilResult(page: Page, expected: number, act: () => Promise<void>, trigger: 'input' | 'click'): Promise<number> {
  await page.evaluate(
    ({ expected, trigger }) => {
      const w = window as unknown as { measured?: Promise<number> };
      const out = document.querySelector('[data-result-count]')!;
      w.measured = new Promise<number>((resolve) => {
        let start = 0;
        document.addEventListener(trigger, () => { start = performance.now(); }, { capture: true, once: true });
        const done = () => requestAnimationFrame(() => resolve(performance.now() - start));
        const observer = new MutationObserver(() => {
          if (start && out.getAttribute('data-result-count') === String(expected) && out.getAttribute('aria-busy') !== 'true') {
            observer.disconnect();
            done();
          }
        });
        observer.observe(out, { attributes: true });
      });
    },
    { expected, trigger },
  );
  await act();
  return page.evaluate(() => (window as unknown as { measured: Promise<number> }).measured);
}
