import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, UsageError, dataOption, requiredOption, stringOption } from '../command.ts';
import { CommandError, printJson, withEngine } from '../engine-call.ts';

// Both ends of the file bundle live here (see station/sync/bundle.ts): `export` writes it at a site that never
// gets online, `import-bundle` reads it into a station that does, which then syncs the devices.

export const exportCommand: Command = {
  summary: 'write a signed bundle of devices with credentials and attributes, for sites that never get online',
  usage: 'fieldstation export --out FILE [--batch NAME]',
  options: { ...dataOption, out: { type: 'string' }, batch: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const out = requiredOption(args, 'out');
      const batch = stringOption(args, 'batch');
      const bundle = await call('sync.bundle.export', batch === undefined ? {} : { batch });
      try {
        // It holds every device's credentials: readable by this user only.
        writeFileSync(out, bundle.text, { mode: 0o600 });
      } catch (e) {
        throw new CommandError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (args.values.json) printJson({ out, devices: bundle.devices, fingerprint: bundle.fingerprint });
      else {
        console.log(`wrote ${bundle.devices} device${bundle.devices === 1 ? '' : 's'} to ${out}`);
        console.log(`signed by this station's key, fingerprint ${bundle.fingerprint}`);
        console.log('give the fingerprint to whoever imports it (import-bundle --fingerprint ...); the file contains device credentials: keep it safe');
      }
      return 0;
    }),
};

export const importBundleCommand: Command = {
  summary: 'import a signed device bundle (from `export`) into this station: same devices, same credentials',
  usage: 'fieldstation import-bundle FILE [--fingerprint FP] [--json]',
  options: { ...dataOption, fingerprint: { type: 'string' } },
  positionals: true,
  run: (args) => {
    const [file, ...extra] = args.positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('give exactly one bundle file (usage: fieldstation import-bundle FILE [--fingerprint FP])');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new CommandError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return withEngine(args, async (call) => {
      const fingerprint = stringOption(args, 'fingerprint');
      const r = await call('sync.bundle.import', { text, ...(fingerprint === undefined ? {} : { fingerprint }) });
      if (args.values.json) printJson(r);
      else {
        console.log(`signature verified: signed by key ${r.fingerprint} on ${r.createdAt}${fingerprint ? ' (the expected key)' : '; compare this fingerprint with the one printed at export'}`);
        console.log(`${r.imported} imported, ${r.present} already here, ${r.conflicts.length} conflicts; ${r.telemetry} telemetry values added`);
      }
      for (const c of r.conflicts) console.error(`conflict: ${c.device}: ${c.message}`);
      return r.conflicts.length === 0 ? 0 : 1;
    });
  },
};
