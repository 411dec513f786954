import { TargetError } from '../http-errors.ts';
import type { TbAnswer, TbHttp } from './http.ts';
import { JwtClaims, JwtPair } from './schemas.ts';
import type { ThingsBoardAuth } from './types.ts';

// Authentication against ThingsBoard: lazy login, refresh before the JWT's `exp` and once after a 401/11,
// one login or refresh at a time however many requests wait on it.
// Endpoints: ThingsboardSecurityConfiguration (/api/auth/login, /api/auth/token, header X-Authorization).

export const BAD_LOGIN_MESSAGE = 'ThingsBoard rejected the username or password';

interface Tokens {
  token: string;
  refreshToken: string | null;
  /** When to refresh proactively (ms), if the token said when it expires. */
  refreshAt: number | null;
}

export class TbSession {
  private tokens: Tokens | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly http: TbHttp,
    private readonly auth: ThingsBoardAuth,
    private readonly now: () => number,
  ) {}

  /** Only JWT sessions can be renewed; an API key is either good or not. */
  get renewable(): boolean {
    return this.auth.kind === 'password';
  }

  /** The X-Authorization value for the next request, logging in or refreshing first when needed. */
  async authorization(): Promise<string> {
    if (this.auth.kind === 'apiKey') return `ApiKey ${this.auth.key}`;
    if (this.tokens === null) await this.single(() => this.login());
    else if (this.tokens.refreshAt !== null && this.now() >= this.tokens.refreshAt) await this.single(() => this.refresh());
    if (this.tokens === null) throw new Error('unreachable: login left no token');
    return `Bearer ${this.tokens.token}`;
  }

  /** After a 401/11 on `used`: refresh, unless another request already replaced that token. */
  async renewAfterExpiry(used: string): Promise<void> {
    if (this.tokens && `Bearer ${this.tokens.token}` !== used) return;
    await this.single(() => this.refresh());
  }

  /** Logs in now (a fresh session), for "test connection" in the settings. */
  async loginNow(): Promise<void> {
    await this.single(() => this.login());
  }

  /** Runs `fn` unless one is running, in which case everyone waits on that one. */
  private single(fn: () => Promise<void>): Promise<void> {
    this.renewing ??= fn().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async login(): Promise<void> {
    if (this.auth.kind !== 'password') return;
    // No caller signal here: one caller giving up must not fail the others waiting on this login.
    const answer = await this.http.send('POST', '/api/auth/login', {
      body: { username: this.auth.username, password: this.auth.password },
    });
    if (answer.status === 401) throw new TargetError(loginFailure(answer));
    if (answer.status !== 200) this.http.fail(answer, 'log in');
    this.store(this.http.parse(answer, JwtPair, 'log in'));
  }

  private async refresh(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return this.login();
    const answer = await this.http.send('POST', '/api/auth/token', { body: { refreshToken } });
    // RefreshTokenAuthenticationProvider: an expired (401/11) or outdated (401/10) refresh token -> log in again.
    if (answer.status === 401) {
      this.tokens = null;
      return this.login();
    }
    if (answer.status !== 200) this.http.fail(answer, 'renew its login');
    this.store(this.http.parse(answer, JwtPair, 'renew its login'));
  }

  private store(pair: { token: string; refreshToken?: string | null | undefined; scope?: string | null | undefined }) {
    // RestAwareAuthenticationSuccessHandler: with two-factor auth the first token only allows the 2FA step.
    if (pair.scope === 'PRE_VERIFICATION_TOKEN' || pair.scope === 'MFA_CONFIGURATION_TOKEN') {
      throw new TargetError({
        kind: 'auth',
        message: 'This ThingsBoard user has two-factor authentication, which sync cannot answer. Use an API key instead.',
      });
    }
    this.tokens = { token: pair.token, refreshToken: pair.refreshToken ?? null, refreshAt: refreshTime(pair.token) };
  }
}

/** What a 401 from /api/auth/login means (ThingsboardErrorResponseHandler.handleAuthenticationException). */
function loginFailure(answer: TbAnswer) {
  const message = answer.error?.message;
  // BadCredentialsException / UsernameNotFoundException -> "Invalid username or password", errorCode 10.
  if (!message || message === 'Invalid username or password') {
    return { kind: 'auth' as const, status: 401, message: BAD_LOGIN_MESSAGE };
  }
  // Locked or disabled account, expired password: ThingsBoard's own words say what to do.
  return { kind: 'auth' as const, status: 401, message: `ThingsBoard refused the login: ${message}` };
}

/**
 * When to renew: a tenth of the token's lifetime before `exp`, at most a minute early.
 * The payload is only decoded, not verified: the server checks the signature, we only need the clock.
 */
export function refreshTime(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  let claims: { exp?: number | undefined; iat?: number | undefined };
  try {
    const parsed = JwtClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    claims = parsed.data;
  } catch {
    return null;
  }
  if (claims.exp === undefined) return null;
  const lifetimeMs = claims.iat === undefined ? 600_000 : (claims.exp - claims.iat) * 1000;
  const margin = Math.min(60_000, Math.max(0, lifetimeMs / 10));
  return claims.exp * 1000 - margin;
}
