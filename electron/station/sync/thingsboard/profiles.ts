import { TargetError } from '../http-errors.ts';
import type { TbClient } from './client.ts';
import { TbDeviceProfile, TbProfileInfoPage } from './schemas.ts';

// Device profiles by name (DeviceProfileController: GET /api/deviceProfileInfos, POST /api/deviceProfile).

const PAGE_SIZE = 100;
/** 100 pages of 100 matches is far more profiles than any tenant has; the bound keeps a misbehaving server finite. */
const MAX_PAGES = 100;
/**
 * How long "this profile is missing" is believed without asking again, within one drain round. Thirty devices of
 * a missing profile then cost one lookup, not thirty; a profile created meanwhile is seen within this time.
 */
const MISSING_FOR_MS = 5000;

export class TbProfiles {
  private readonly ids = new Map<string, string>();
  /** Lookups in flight: devices of one profile delivered concurrently share one. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Profiles found missing (and not creatable), with when: the refusal is repeated without asking the cloud. */
  private readonly missing = new Map<string, { at: number; error: TargetError }>();

  constructor(
    private readonly client: TbClient,
    private readonly allowCreate: boolean,
  ) {}

  /** Forget a cached id, e.g. after ThingsBoard says the profile no longer exists. */
  forget(name: string): void {
    this.ids.delete(name);
  }

  /** A new drain round (e.g. after "retry"): a profile missing before may have been created since. */
  startRound(): void {
    this.missing.clear();
  }

  async ensure(name: string, signal?: AbortSignal): Promise<string> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    const missing = this.missing.get(name);
    if (missing && this.client.http.options.now() - missing.at < MISSING_FOR_MS) throw missing.error;
    let lookup = this.pending.get(name);
    if (!lookup) {
      lookup = this.lookUp(name, signal).finally(() => this.pending.delete(name));
      this.pending.set(name, lookup);
    }
    return lookup;
  }

  private async lookUp(name: string, signal?: AbortSignal): Promise<string> {
    try {
      const found = (await this.find(name, signal)) ?? (await this.create(name, signal));
      this.ids.set(name, found);
      return found;
    } catch (e) {
      if (e instanceof TargetError && e.kind === 'missing-profile') this.missing.set(name, { at: this.client.http.options.now(), error: e });
      throw e;
    }
  }

  /** textSearch is a case-insensitive "contains" (JpaDeviceProfileDao), so filter for the exact name here. */
  private async find(name: string, signal?: AbortSignal): Promise<string | null> {
    const what = 'list device profiles';
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const q = new URLSearchParams({ pageSize: String(PAGE_SIZE), page: String(page), textSearch: name });
      const answer = await this.client.call('GET', `/api/deviceProfileInfos?${q}`, { signal });
      if (answer.status !== 200) this.client.http.fail(answer, what);
      const result = this.client.http.parse(answer, TbProfileInfoPage, what);
      const hit = result.data.find((p) => p.name === name);
      if (hit) return hit.id.id;
      if (!result.hasNext) return null;
    }
    return null;
  }

  private async create(name: string, signal?: AbortSignal): Promise<string> {
    if (!this.allowCreate) {
      throw new TargetError({
        kind: 'missing-profile',
        profileName: name,
        message: `ThingsBoard has no device profile named "${name}". Create it in ThingsBoard, or let Fieldstation create it: Edit the target on the Sync screen and tick “Create device profiles” (or run fieldstation sync target edit --name NAME --create-profiles).`,
      });
    }
    const what = `create device profile "${name}"`;
    // What DeviceProfileServiceImpl.doCreateDeviceProfile builds for a new tenant's "default" profile.
    const answer = await this.client.call('POST', '/api/deviceProfile', {
      signal,
      body: {
        name,
        type: 'DEFAULT',
        transportType: 'DEFAULT',
        provisionType: 'DISABLED',
        description: 'Created by Fieldstation',
        profileData: {
          configuration: { type: 'DEFAULT' },
          transportConfiguration: { type: 'DEFAULT' },
          provisionConfiguration: { type: 'DISABLED', provisionDeviceSecret: null },
        },
      },
    });
    if (answer.status === 200) return this.client.http.parse(answer, TbDeviceProfile, what).id.id;
    // Someone created it between our lookup and now (DeviceProfileServiceImpl: "Device profile with such name already exists!").
    if (answer.status === 400 && /already exists/i.test(answer.error?.message ?? '')) {
      const again = await this.find(name, signal);
      if (again) return again;
    }
    return this.client.http.fail(answer, what);
  }
}
