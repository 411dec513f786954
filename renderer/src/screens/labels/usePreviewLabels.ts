import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { encodeJsonPayload, encodeUrlPayload, formatShortCode } from '../../../../shared/label-payload.ts';
import type { LabelTemplateInfo } from '../../../../shared/labels.ts';
import { type LabelLanguage, labelFieldText, labelWords } from '../../../../shared/label-words.ts';
import type { ListenerInfo } from '../../../../shared/station.ts';
import type { IssuedToken, TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import type { LabelChoices } from './job.ts';
import type { PreviewLabel } from './SheetPreview.tsx';

const usable = (t: TokenView) => t.state === 'active' || t.state === 'locked';
const wildcard = new Set(['0.0.0.0', '::', '[::]', '']);

/** Where devices reach the station, as the station prints it into url and json payloads (its own rule, station-address.ts). */
export function stationAddress(listeners: readonly ListenerInfo[]): { host: string | null; ports: { http: number; mqtt: number; coap: number } } {
  const l = (name: string) => listeners.find((x) => x.name === name);
  const http = l('http');
  let host: string | null = null;
  if (http && !wildcard.has(http.address) && !http.address.startsWith('127.') && http.address !== '::1') host = http.address;
  else {
    const lan = http?.lanUrls?.[0];
    if (lan) {
      try {
        host = new URL(lan).hostname;
      } catch {
        host = null;
      }
    }
  }
  const port = (name: string, fallback: number) => {
    const x = l(name);
    // As the station prints it (labels/station-address.ts): a switched-off listener keeps the port it will reuse.
    return x && x.port > 0 ? x.port : fallback;
  };
  return { host, ports: { http: port('http', 8080), mqtt: port('mqtt', 1883), coap: port('coap', 5683) } };
}

export interface PreviewState {
  labels: PreviewLabel[];
  loading: boolean;
  /** Devices the selection names that have no usable token (the station refuses or skips them). */
  missing: number;
  /** The station address is not known to this window: the payload shows a stand-in host. */
  hostUnknown: boolean;
}

/**
 * The labels of the first page, as the station will print them: the batch's devices in the station's order (by id),
 * each with its current usable token, the payload built from the token's printable form. Tokens are read once each.
 * The words around serial, batch and site come from the station's own table (shared/label-words.ts), in the batch's
 * language, not the UI's: the preview shows what the printer will print.
 */
export function usePreviewLabels(
  choices: LabelChoices | null,
  template: LabelTemplateInfo | null,
  tokens: readonly TokenView[] | null,
  site: string,
  language: LabelLanguage,
): PreviewState {
  const { api, devices, status } = useStation();
  const snap = useSyncExternalStore(devices.subscribe, devices.getSnapshot);
  const expected = status ? Object.values(status.counters.devices).reduce((n, v) => n + v, 0) : null;
  useEffect(() => devices.ensureLoaded(expected), [devices, expected]);
  const cache = useRef(new Map<number, IssuedToken | null>());
  const [printables, setPrintables] = useState(0);
  const address = useMemo(() => stationAddress(status?.listeners ?? []), [status]);

  const slots = template ? template.labelsPerPage - (choices?.skip ?? 0) : 0;

  // Which tokens go on the first page, in order.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the device store mutates in place; its version says when
  const planned = useMemo(() => {
    if (!choices || !tokens || slots <= 0) return { entries: [] as { token: TokenView; name: string; serial: string | null }[], missing: 0 };
    if (choices.group) {
      const group = tokens.filter((t) => t.device === null && usable(t)).sort((a, b) => b.id - a.id)[0];
      if (!group) return { entries: [], missing: 0 };
      const copies = Math.min(choices.copies, slots);
      return { entries: Array.from({ length: copies }, () => ({ token: group, name: labelWords[language].groupToken(group.maxUses), serial: null })), missing: 0 };
    }
    const latest = new Map<string, TokenView>();
    for (const t of tokens) {
      if (t.device === null || !usable(t)) continue;
      const seen = latest.get(t.device);
      if (!seen || seen.id < t.id) latest.set(t.device, t);
    }
    const wanted = choices.devices ? new Set(choices.devices) : null;
    const rows = devices.rows
      .filter((d) => d.batch === choices.batch && (!wanted || wanted.has(d.name)) && (!choices.pendingOnly || d.state === 'pending'))
      .sort((a, b) => a.id - b.id);
    let missing = 0;
    const entries: { token: TokenView; name: string; serial: string | null }[] = [];
    for (const d of rows) {
      const token = latest.get(d.name);
      if (!token) {
        missing++;
        continue;
      }
      if (entries.length < slots) entries.push({ token, name: d.name, serial: d.serial });
    }
    return { entries, missing };
  }, [choices, tokens, slots, devices, snap.version, language]);

  useEffect(() => {
    const todo = [...new Set(planned.entries.map((e) => e.token.id))].filter((id) => !cache.current.has(id));
    if (todo.length === 0) return;
    let live = true;
    void Promise.all(
      todo.map((id) =>
        api['tokens.printable']({ id }).then(
          (t) => cache.current.set(id, t),
          // Revoked meanwhile, or the station restarted: that label is left out of the preview, not waited for.
          () => cache.current.set(id, null),
        ),
      ),
    ).then(() => {
      if (live) setPrintables((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [api, planned]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `printables` says the cache has grown
  const labels = useMemo(() => {
    if (!choices || !template) return [];
    const host = address.host ?? 'station-address';
    const out: PreviewLabel[] = [];
    planned.entries.forEach((e, i) => {
      const printable = cache.current.get(e.token.id);
      if (!printable) return;
      let payload = printable.payload;
      if (choices.payload === 'url') payload = encodeUrlPayload(host, address.ports.http, printable.key);
      else if (choices.payload === 'json') payload = encodeJsonPayload({ host, ports: address.ports, key: printable.key, secret: printable.secret ?? null });
      const text: Record<string, string | null> = {
        name: e.name,
        shortCode: formatShortCode(printable.key),
        serial: e.serial ? labelFieldText('serial', e.serial, language) : null,
        batch: labelFieldText('batch', choices.batch, language),
        site: site ? labelFieldText('site', site, language) : null,
      };
      const lines = template.fields
        .map((f) => ({ text: text[f] ?? '', bold: f === 'name' || f === 'shortCode' }))
        .filter((l) => l.text);
      out.push({ id: `${e.token.id}-${i}`, name: e.name, payload, lines });
    });
    return out;
  }, [choices, template, planned, printables, address, site, language]);

  const waiting = planned.entries.some((e) => !cache.current.has(e.token.id));
  return {
    labels,
    loading: tokens === null || snap.phase === 'loading' || waiting,
    missing: planned.missing,
    hostUnknown: choices?.payload !== 'token' && address.host === null,
  };
}
