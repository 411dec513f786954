// Fault injection for the fake cloud: rules chosen by route, fired by count or by probability from a seeded RNG,
// so a failing run replays exactly.

export const routeNames = [
  'login',
  'refresh',
  'getDeviceByName',
  'listDevices',
  'getCredentials',
  'createDevice',
  'listProfileInfos',
  'profileNames',
  'createProfile',
  'saveAttributes',
  'getAttributes',
  'saveTelemetry',
  'unknown',
] as const;
export type RouteName = (typeof routeNames)[number];

export type FaultAction =
  /** A ThingsBoard-shaped error, e.g. 500/errorCode 2 or 503. */
  | { type: 'error'; status: number; message?: string; errorCode?: number }
  /** 429/errorCode 33. ThingsBoard itself sends no Retry-After (RateLimitProcessingFilter); pass one to test proxies that do. */
  | { type: 'rateLimit'; retryAfter?: string }
  /** A body that is not ThingsBoard's, e.g. nginx's HTML "502 Bad Gateway" in front of it. */
  | { type: 'raw'; status: number; body: string; contentType?: string }
  /** Answer late. With `afterWrite`, the write is applied first, then the answer waits. */
  | { type: 'delay'; ms: number; afterWrite?: boolean }
  /** Destroy the socket before doing anything. */
  | { type: 'drop' }
  /** Apply the request, then destroy the socket instead of answering: the client cannot know it succeeded. */
  | { type: 'dropAfterWrite' }
  /** 401/errorCode 11 "Token has expired", as if the JWT had just expired. */
  | { type: 'expireToken' };

export interface FaultRule {
  /** Which routes; all when omitted. */
  route?: RouteName | RouteName[];
  action: FaultAction;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Fire this many times, then retire. Default 1, or unlimited when `probability` is given. */
  times?: number;
  /** Fire with this probability (seeded RNG). */
  probability?: number;
}

export interface FaultHandle {
  readonly fired: number;
  remove(): void;
}

interface LiveRule {
  rule: FaultRule;
  skip: number;
  remaining: number;
  fired: number;
}

/** mulberry32: tiny, seedable, good enough to pick faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultPlan {
  private rules: LiveRule[] = [];
  private random: () => number;

  constructor(
    seed: number,
    private readonly onExpireTokens: (which: { access: boolean; refresh: boolean }) => void,
  ) {
    this.random = seededRandom(seed);
  }

  /** Adds a rule; rules are tried in the order added, the first that fires wins. */
  add(rule: FaultRule): FaultHandle {
    const live: LiveRule = {
      rule,
      skip: rule.skip ?? 0,
      remaining: rule.times ?? (rule.probability === undefined ? 1 : Number.POSITIVE_INFINITY),
      fired: 0,
    };
    this.rules.push(live);
    return {
      get fired() {
        return live.fired;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== live);
      },
    };
  }

  /** Forces expiry of every token issued so far (TokenOutdatingService after a logout or password change). */
  expireTokens(which: { access?: boolean; refresh?: boolean } = {}): void {
    this.onExpireTokens({ access: which.access ?? true, refresh: which.refresh ?? false });
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  clear(): void {
    this.rules = [];
  }

  /** The action for this request, if any rule fires. */
  pick(route: RouteName): FaultAction | undefined {
    for (const live of this.rules) {
      const routes = live.rule.route === undefined ? undefined : [live.rule.route].flat();
      if (routes && !routes.includes(route)) continue;
      // A login carries no JWT to expire; ThingsBoard never answers it with 401/11. (Refresh can: an expired refresh token.)
      if (live.rule.action.type === 'expireToken' && route === 'login') continue;
      if (live.remaining <= 0) continue;
      if (live.skip > 0) {
        live.skip -= 1;
        continue;
      }
      if (live.rule.probability !== undefined && this.random() >= live.rule.probability) continue;
      live.remaining -= 1;
      live.fired += 1;
      return live.rule.action;
    }
    return undefined;
  }
}
