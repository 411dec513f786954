import { TargetError } from '../http-errors.ts';
import { type TbAnswer, TbCode, type TbHttp } from './http.ts';
import type { TbSession } from './session.ts';
import type { ThingsBoardAuth } from './types.ts';

/** Authenticated requests: adds X-Authorization, and renews an expired JWT once, then resends. */
export class TbClient {
  constructor(
    readonly http: TbHttp,
    private readonly session: TbSession,
    private readonly auth: ThingsBoardAuth,
  ) {}

  /** Returns any answer except 401, which becomes an `auth` failure (after one renewal for an expired JWT). */
  async call(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<TbAnswer> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const authorization = await this.session.authorization();
      const answer = await this.http.send(method, path, { ...init, authorization });
      if (answer.status !== 401) return answer;
      // Authentication runs in a filter before any controller, so a 401 means nothing was applied: resending is safe.
      // ThingsboardErrorResponseHandler: JwtExpiredTokenException -> 401, errorCode 11 (JWT_TOKEN_EXPIRED).
      const expired = this.session.renewable && answer.error?.errorCode === TbCode.JWT_TOKEN_EXPIRED;
      if (expired && attempt === 0) {
        await this.session.renewAfterExpiry(authorization);
        continue;
      }
      if (expired) {
        // A token renewed a moment ago is "expired" again: not something a person can fix in the settings
        // (a revoked login fails at refresh/login instead), e.g. cluster nodes with skewed clocks. Try later.
        throw new TargetError({
          kind: 'retryable',
          status: 401,
          message: `${this.http.cloud} reported its new login as expired at once; will try again.`,
        });
      }
      throw new TargetError(this.rejected(answer));
    }
    throw new Error('unreachable: the loop returns or throws');
  }

  private rejected(answer: TbAnswer) {
    const reason = answer.error?.message;
    // ThingsBoard answers a bad key with the generic BadCredentialsException text; only other texts add anything.
    const detail = reason && reason !== 'Invalid username or password' ? ` (${reason})` : '';
    const message =
      this.auth.kind === 'apiKey'
        ? `ThingsBoard rejected the API key${detail}.`
        : `ThingsBoard no longer accepts this station's login${detail}.`;
    return { kind: 'auth' as const, status: 401, message };
  }
}
