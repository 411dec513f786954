import type { TbClient } from './client.ts';
import { TbCode } from './http.ts';
import type { TelemetryPointJson } from './types.ts';

// A device's timeseries, with the timestamps it recorded at the site.
// TelemetryController.saveEntityTelemetry: POST /api/plugins/telemetry/{entityType}/{entityId}/timeseries/{scope}
// ("the scope parameter is not used ... but should be specified", hence ANY). The body is the device API's
// telemetry JSON (JsonConverter.convertToTelemetry): here always an array of {"ts", "values"}. 200 with an empty
// body when saved; its validation errors are text/plain 400s ("Unable to parse time series payload...", "No time
// series data found in request body!"); bodies over server.http.max_payload_size (16 MB for /api/**) get 413/31.
//
// Saving is idempotent: ThingsBoard keys a timeseries value by (entity, key, ts) (ts_kv's primary key), so the same
// point sent twice is stored once, the second write overwriting the first with the same value.

export class TbTelemetry {
  constructor(private readonly client: TbClient) {}

  async save(cloudId: string, points: TelemetryPointJson[], signal?: AbortSignal): Promise<'saved' | 'device-missing'> {
    if (points.length === 0) return 'saved'; // ThingsBoard answers 400 to nothing; nothing to send is not an error
    const path = `/api/plugins/telemetry/DEVICE/${encodeURIComponent(cloudId)}/timeseries/ANY`;
    const answer = await this.client.call('POST', path, { signal, body: points });
    if (answer.status === 200) return 'saved';
    // AccessValidator: the device id no longer exists in the tenant (someone deleted it in ThingsBoard).
    if (answer.status === 404 && (answer.error?.errorCode === TbCode.ITEM_NOT_FOUND || /wasn't found|not found/i.test(answer.error?.message ?? ''))) {
      return 'device-missing';
    }
    return this.client.http.fail(answer, `save the telemetry of device ${cloudId}`);
  }
}
