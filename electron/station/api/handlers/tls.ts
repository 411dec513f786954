import { ApiError } from '../../../../shared/errors.ts';
import { TlsSetupError } from '../../tls/openssl.ts';
import type { StationTls } from '../../tls/station-tls.ts';
import type { Handlers } from '../router.ts';

export const tlsHandlers = ({ tls }: { tls: StationTls }) =>
  ({
    'station.ca': async () => {
      try {
        const ca = await tls.ca();
        return { pem: ca.pem, fingerprint: ca.fingerprint };
      } catch (err) {
        // Plain-language already (openssl missing, a key file lost): the person can act on it.
        if (err instanceof TlsSetupError) throw new ApiError('conflict', err.message);
        throw err;
      }
    },
  }) satisfies Partial<Handlers>;
