import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../../electron/station/api/router.ts';
import { type Engine, openEngine } from '../../electron/station/engine.ts';
import type { MethodName, ParamsIn, Result } from '../../shared/api/contract.ts';
import { ApiError } from '../../shared/errors.ts';

export function tempDir(prefix = 'fieldstation-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestEngine {
  engine: Engine;
  service: Engine['service'];
  dataDir: string;
  /** Calls the admin API as the station's owner; throws ApiError on an error reply. */
  call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>>;
  close(): Promise<void>;
}

/** The admin API of `engine` as the station's owner; throws ApiError on an error reply. */
export function callAsOwner(engine: Engine): TestEngine['call'] {
  return async (method, params) => {
    const reply = await engine.router.call(method, params, ADMIN);
    if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
    return reply.value as never;
  };
}

/** A real engine (SQLite file in a fresh temp dir, real service) without listeners. */
export function openTestEngine(dataDir = tempDir(), options: Omit<Parameters<typeof openEngine>[0], 'dataDir'> = {}): TestEngine {
  const engine = openEngine({ dataDir, ...options });
  return {
    engine,
    service: engine.service,
    dataDir,
    call: callAsOwner(engine),
    async close() {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
