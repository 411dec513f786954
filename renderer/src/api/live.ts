import { useEffect, useRef, useState } from 'react';
import { StationEvent } from '../../../shared/events.ts';
import { onUnauthorized } from './client.ts';

/**
 * - connecting: first connection not made yet
 * - live: the event stream is open
 * - reconnecting: the stream dropped and is being re-opened (the engine restarts, a burst of lost packets)
 * - offline: still no station after a few seconds; retrying in the background
 * - signed-out: the station answers, but not to our cookie (it restarted with a new secret)
 */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'signed-out';

export interface LiveState {
  connection: Connection;
  /** Counts successful (re)connections; consumers refetch what they may have missed when it grows past 1. */
  generation: number;
}

// A short drop (the engine restarting) shows as "reconnecting"; a longer one as "offline".
const offlineAfterMs = 4000;
const retryDelaysMs = [1000, 2000, 4000, 8000];

const eventTypes = StationEvent.options.map((o) => o.shape.type.value);

/**
 * The live event stream (server-sent events). EventSource re-opens a dropped stream by itself (the station sends
 * `retry: 1000`); when the station refuses the stream outright (401, 503) EventSource gives up, so we probe
 * `/api/status` to tell "signed out" from "not there" and re-open it ourselves.
 */
export function useLiveEvents(onEvent: (event: StationEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>({ connection: 'connecting', generation: 0 });
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let source: EventSource | null = null;
    let disposed = false;
    let everOpen = false;
    let failures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let offlineTimer: ReturnType<typeof setTimeout> | undefined;
    let current: Connection = 'connecting';

    const setConnection = (connection: Connection, opened = false) => {
      current = connection;
      setState((s) =>
        s.connection === connection && !opened ? s : { connection, generation: opened ? s.generation + 1 : s.generation },
      );
    };

    const receive = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = StationEvent.safeParse(data);
      if (parsed.success) handler.current(parsed.data);
    };

    const lost = () => {
      if (current === 'signed-out' || current === 'offline') return;
      setConnection(everOpen ? 'reconnecting' : 'connecting');
      offlineTimer ??= setTimeout(() => {
        offlineTimer = undefined;
        if (current === 'reconnecting' || current === 'connecting') setConnection('offline');
      }, offlineAfterMs);
    };

    const retry = (ms: number) => {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, ms);
    };

    const probe = async () => {
      const response = await fetch('/api/status', { credentials: 'same-origin' }).catch(() => null);
      if (disposed) return;
      if (response?.status === 401) {
        clearTimeout(offlineTimer);
        offlineTimer = undefined;
        setConnection('signed-out');
        // The station may come back with the old secret (the desktop app keeps it): keep trying, slowly.
        retry(5000);
        return;
      }
      retry(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
    };

    function open() {
      if (disposed) return;
      source?.close();
      const es = new EventSource('/api/events');
      source = es;
      for (const type of eventTypes) es.addEventListener(type, receive);
      es.onopen = () => {
        everOpen = true;
        failures = 0;
        clearTimeout(offlineTimer);
        offlineTimer = undefined;
        setConnection('live', true);
      };
      es.onerror = () => {
        if (disposed || es !== source) return;
        lost();
        if (es.readyState === EventSource.CLOSED) void probe();
      };
    }

    // Coming back from sleep or a dropped Wi-Fi: try now rather than at the end of a backoff.
    const wake = () => {
      if (document.visibilityState === 'visible' && current !== 'live' && source?.readyState !== EventSource.OPEN) retry(0);
    };
    const stopUnauthorized = onUnauthorized(() => {
      if (current !== 'live') setConnection('signed-out');
    });

    open();
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', wake);
    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearTimeout(offlineTimer);
      source?.close();
      stopUnauthorized();
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', wake);
    };
  }, []);

  return state;
}
