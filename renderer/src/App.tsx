import { useCallback, useEffect, useState } from 'react';
import type { StationEvent } from '../../shared/events.ts';
import type { StationStatus } from '../../shared/station.ts';
import { ApiError } from '../../shared/errors.ts';
import { api } from './api/client.ts';
import { useLiveEvents } from './api/live.ts';
import { ConnectionIndicator } from './components/ConnectionIndicator.tsx';
import { StatusScreen } from './screens/StatusScreen.tsx';

type Screen = 'status';
const screens: { id: Screen; title: string }[] = [{ id: 'status', title: 'Status' }];

export function App() {
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [screen, setScreen] = useState<Screen>('status');

  const onEvent = useCallback((event: StationEvent) => {
    if (event.type === 'status') setStatus(event.status);
  }, []);
  const connection = useLiveEvents(onEvent);

  useEffect(() => {
    api['station.status']({}).then(setStatus, (err: unknown) => {
      setError(
        err instanceof ApiError && err.code === 'unauthorized'
          ? 'Not signed in. Open the UI link that the station printed when it started (it ends in ?token=…).'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    });
  }, []);

  return (
    <div className="app" data-app-state={status ? 'ready' : error ? 'error' : 'loading'}>
      <header className="topbar">
        <span className="brand">Fieldstation</span>
        <nav aria-label="Main">
          {screens.map((s) => (
            <button
              key={s.id}
              type="button"
              aria-current={screen === s.id ? 'page' : undefined}
              onClick={() => setScreen(s.id)}
            >
              {s.title}
            </button>
          ))}
        </nav>
        <ConnectionIndicator connection={connection} />
      </header>
      <main>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {status && screen === 'status' && <StatusScreen status={status} />}
        {!status && !error && <p aria-busy="true">Connecting to the station…</p>}
      </main>
    </div>
  );
}
