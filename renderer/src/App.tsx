import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { defineMessages, FormattedMessage, useIntl } from 'react-intl';
import { type Route, type ScreenId, useRoute } from './app/route.ts';
import { ScanPanel } from './app/ScanPanel.tsx';
import { type Shortcut, useShortcuts } from './app/shortcuts.ts';
import { StationProvider, useStation } from './app/station.tsx';
import { useTheme } from './app/theme.ts';
import { Announcer } from './components/Announcer.tsx';
import { ConnectionIndicator } from './components/ConnectionIndicator.tsx';
import { ErrorNotice } from './components/ErrorNotice.tsx';
import { HelpDialog } from './components/HelpDialog.tsx';
import { Icon, type IconName } from './components/Icon.tsx';
import { LanguagePicker } from './components/LanguagePicker.tsx';
import { MainNav } from './components/MainNav.tsx';
import { ThemeButton } from './components/ThemeButton.tsx';
import { BatchesScreen } from './screens/BatchesScreen.tsx';
import { DevicesScreen } from './screens/DevicesScreen.tsx';
import { ProfilesScreen } from './screens/ProfilesScreen.tsx';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { ServerScreen } from './screens/ServerScreen.tsx';

// The work screens load on first use (from this computer's disk: at once), keeping the first paint small.
const BatchScreen = lazy(() => import('./screens/BatchScreen.tsx').then((m) => ({ default: m.BatchScreen })));
const LabelsScreen = lazy(() => import('./screens/LabelsScreen.tsx').then((m) => ({ default: m.LabelsScreen })));
const SyncScreen = lazy(() => import('./screens/SyncScreen.tsx').then((m) => ({ default: m.SyncScreen })));

const screenTitles = defineMessages({
  server: { id: 'app.screen.server', defaultMessage: 'Server' },
  batches: { id: 'app.screen.batches', defaultMessage: 'Batches' },
  devices: { id: 'app.screen.devices', defaultMessage: 'Devices' },
  labels: { id: 'app.screen.labels', defaultMessage: 'Labels' },
  sync: { id: 'app.screen.sync', defaultMessage: 'Sync' },
  profiles: { id: 'app.screen.profiles', defaultMessage: 'Profiles' },
});

const screens: { id: ScreenId; icon: IconName; key: string }[] = [
  { id: 'server', icon: 'server', key: 'g s' },
  { id: 'batches', icon: 'batches', key: 'g b' },
  { id: 'devices', icon: 'devices', key: 'g d' },
  { id: 'labels', icon: 'labels', key: 'g l' },
  { id: 'sync', icon: 'sync', key: 'g y' },
  { id: 'profiles', icon: 'profiles', key: 'g p' },
];

export function App() {
  return (
    <I18nProvider>
      <StationProvider>
        <Shell />
      </StationProvider>
    </I18nProvider>
  );
}

/** Focuses the first `selector` in the page (a search box, the scanner field), waiting a few frames for a screen switch. */
function focusField(selector = 'main [data-search]', tries = 60) {
  const input = document.querySelector<HTMLInputElement>(selector);
  if (input) {
    input.focus();
    input.select();
  } else if (tries > 0) requestAnimationFrame(() => focusField(selector, tries - 1));
}

/**
 * Asks the current screen to do something (open a dialog); screens listen for `fieldstation:<name>` and call
 * preventDefault() when they did it. Until one does (the screen is still mounting after a switch), ask again.
 */
function signal(name: string, tries = 60) {
  requestAnimationFrame(() => {
    const handled = !window.dispatchEvent(new CustomEvent(`fieldstation:${name}`, { cancelable: true }));
    if (!handled && tries > 0) signal(name, tries - 1);
  });
}

function Shell() {
  const { status, statusError, retryStatus, live } = useStation();
  const [route, navigate] = useRoute();
  const { cycle: cycleTheme } = useTheme();
  const intl = useIntl();
  const titleOf = useCallback((id: ScreenId) => intl.formatMessage(screenTitles[id]), [intl]);
  const [helpOpen, setHelpOpen] = useState(false);
  const go = useCallback((screen: ScreenId) => navigate({ screen, device: null } satisfies Route), [navigate]);
  const inBatch = route.screen === 'batches' && route.batch ? route.batch : null;

  const shortcuts = useMemo<Shortcut[]>(
    () => [
      ...screens.map((s) => ({
        keys: s.key,
        description: intl.formatMessage({ id: 'app.shortcut.goTo', defaultMessage: 'Go to {screen}' }, { screen: titleOf(s.id) }),
        run: () => go(s.id),
      })),
      {
        keys: '/',
        description: intl.formatMessage({ id: 'app.shortcut.search', defaultMessage: 'Search devices' }),
        run: () => {
          if (!document.querySelector('main [data-search]')) go('devices');
          focusField();
        },
      },
      {
        keys: 's',
        description: intl.formatMessage({
          id: 'app.shortcut.scan',
          defaultMessage: 'Scan a label (in a batch): put the cursor in the scanner field',
        }),
        run: () => {
          if (inBatch) navigate({ screen: 'batches', batch: inBatch, tab: 'devices', device: null });
          else go('batches');
          focusField('main [data-scanner]');
        },
      },
      {
        keys: 'b',
        description: intl.formatMessage({ id: 'app.shortcut.newBatch', defaultMessage: 'New batch' }),
        run: () => {
          go('batches');
          signal('new-batch');
        },
      },
      {
        keys: 'i',
        description: intl.formatMessage({ id: 'app.shortcut.import', defaultMessage: 'Import a device list into the open batch' }),
        run: () => {
          if (inBatch) navigate({ screen: 'batches', batch: inBatch, tab: 'import', device: null });
        },
      },
      {
        keys: 'p',
        description: intl.formatMessage({
          id: 'app.shortcut.print',
          defaultMessage: 'Print labels for the open batch (its selected devices, if any)',
        }),
        run: () => {
          if (inBatch) signal('print-selection');
          else go('labels');
        },
      },
      {
        keys: 'n',
        description: intl.formatMessage({ id: 'app.shortcut.newProfile', defaultMessage: 'New profile' }),
        run: () => {
          go('profiles');
          signal('new-profile');
        },
      },
      {
        keys: 't',
        description: intl.formatMessage({ id: 'shortcuts.theme', defaultMessage: 'Switch theme: light, dark, high contrast' }),
        run: cycleTheme,
      },
      {
        keys: '?',
        description: intl.formatMessage({ id: 'app.shortcut.help', defaultMessage: 'Show keyboard shortcuts' }),
        run: () => setHelpOpen(true),
      },
    ],
    [go, cycleTheme, navigate, inBatch, intl, titleOf],
  );
  useShortcuts(shortcuts);

  const currentTitle = titleOf(route.screen);
  const place = route.batch ?? null;
  useEffect(() => {
    document.title = place ? `${place} · ${currentTitle} · Fieldstation` : `${currentTitle} · Fieldstation`;
  }, [currentTitle, place]);

  const appState = status ? 'ready' : statusError ? 'error' : 'loading';
  return (
    <div className="app" data-app-state={appState}>
      <a className="skip-link" href="#main">
        <FormattedMessage id="app.skipToContent" defaultMessage="Skip to content" />
      </a>
      <header className="topbar">
        <a className="brand" href="#/server" aria-label={intl.formatMessage({ id: 'app.brand', defaultMessage: 'Fieldstation, server overview' })}>
          <span className="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              <rect x="2" y="2" width="20" height="20" rx="6" fill="currentColor" />
              <path d="M7 16V8h7M7 12h5" stroke="var(--brand-ink)" strokeWidth="2.4" fill="none" strokeLinecap="round" />
              <circle cx="17" cy="15.5" r="2" fill="var(--brand-ink)" />
            </svg>
          </span>
          <span className="brand-name">Fieldstation</span>
        </a>
        <MainNav items={screens.map((s) => ({ ...s, title: titleOf(s.id) }))} current={route.screen} />
        <div className="topbar-end">
          <ConnectionIndicator connection={live.connection} />
          <LanguagePicker />
          <ThemeButton />
          <button
            type="button"
            className="btn btn-icon btn-ghost"
            onClick={() => setHelpOpen(true)}
            aria-label={intl.formatMessage({ id: 'app.shortcuts', defaultMessage: 'Keyboard shortcuts' })}
            title={intl.formatMessage({ id: 'app.shortcutsKey', defaultMessage: 'Keyboard shortcuts (?)' })}
          >
            <Icon name="keyboard" />
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <main id="main" tabIndex={-1}>
        {status ? (
          <Suspense
            fallback={
              <div className="screen loading-screen" aria-busy="true">
                <span className="spinner" aria-hidden="true" /> <FormattedMessage id="app.opening" defaultMessage="Opening…" />
              </div>
            }
          >
            {route.screen === 'server' && <ServerScreen status={status} />}
            {route.screen === 'batches' && !route.batch && <BatchesScreen navigate={navigate} />}
            {route.screen === 'batches' && route.batch && (
              <BatchScreen key={route.batch} status={status} route={route} navigate={navigate} />
            )}
            {route.screen === 'devices' && <DevicesScreen status={status} route={route} navigate={navigate} />}
            {route.screen === 'labels' && <LabelsScreen route={route} navigate={navigate} />}
            {route.screen === 'sync' && <SyncScreen />}
            {route.screen === 'profiles' && <ProfilesScreen />}
          </Suspense>
        ) : statusError ? (
          <div className="screen">
            <ErrorNotice error={statusError} onRetry={retryStatus} />
          </div>
        ) : (
          <div className="screen loading-screen" aria-busy="true">
            <span className="spinner" aria-hidden="true" />{' '}
            <FormattedMessage id="app.connecting" defaultMessage="Connecting to the station…" />
          </div>
        )}
      </main>
      {helpOpen && <HelpDialog shortcuts={shortcuts} onClose={() => setHelpOpen(false)} />}
      {status && <ScanPanel />}
      <Announcer />
    </div>
  );
}

function ConnectionBanner() {
  const { live, status } = useStation();
  if (!status) return null;
  if (live.connection === 'signed-out') {
    return (
      <div className="banner banner-error" role="alert">
        <Icon name="alert" />
        <span>
          <FormattedMessage
            id="app.signedOut"
            defaultMessage="<strong>Signed out.</strong> The station restarted with a new secret, so this window can no longer reach it. Open the new link the station printed (it ends in <code>?token=…</code>)."
            values={{ strong: (text) => <strong>{text}</strong>, code: (text) => <code>{text}</code> }}
          />
        </span>
      </div>
    );
  }
  if (live.connection === 'offline') {
    return (
      <div className="banner banner-warning" role="status">
        <Icon name="alert" />
        <span>
          <FormattedMessage
            id="app.stationOffline"
            defaultMessage="<strong>The station is not answering.</strong> What you see is the last known state; it updates by itself when the station is back. Check that <code>fieldstation serve</code> (or the desktop app) is still running."
            values={{ strong: (text) => <strong>{text}</strong>, code: (text) => <code>{text}</code> }}
          />
        </span>
      </div>
    );
  }
  return null;
}
