import { writeFileSync } from 'node:fs';
import { type Command, dataOption, requiredOption } from '../command.ts';
import { CommandError, printJson, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const exportCa: Command = {
  summary: "write the station's CA certificate (PEM), for devices and browsers to trust HTTPS and MQTTS",
  usage: 'fieldstation ca export --out FILE.pem [--json]',
  options: { ...dataOption, out: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const out = requiredOption(args, 'out');
      // Made on first use, so this works before the station ever served.
      const ca = await call('station.ca', {});
      try {
        // A certificate is public; its key never leaves <data>/tls/.
        writeFileSync(out, ca.pem, { mode: 0o644 });
      } catch (e) {
        throw new CommandError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (args.values.json) printJson({ out, fingerprint: ca.fingerprint });
      else {
        console.log(`wrote the station's CA certificate to ${out}`);
        console.log(`SHA-256 fingerprint ${ca.fingerprint}`);
      }
      return 0;
    }),
};

export const ca = group('ca', "the station's own certificate authority (HTTPS, MQTTS)", { export: exportCa });
