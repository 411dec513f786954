// Desktop preferences in electron-store (DESIGN.md: window and UI choices live there; everything
// about devices lives in SQLite): the window's bounds and maximized state, and the zoom factor
// the technician chose with the View menu, and the UI language (ui-locale.ts).
import { type BrowserWindow, screen } from 'electron';
import Store from 'electron-store';
import { z } from 'zod';
import { createUiLocaleStore, type UiLocaleStore } from './ui-locale.ts';
import { placeWindow, type Rect, WindowState } from './window-state.ts';

const ZoomFactor = z.number().min(0.25).max(5);

interface PreferencesData {
  window?: unknown;
  zoomFactor?: unknown;
  uiLocale?: unknown;
}

export interface InitialWindow {
  bounds: Rect | { width: number; height: number };
  maximized: boolean;
  zoomFactor: number;
}

export interface Preferences {
  initialWindow(): InitialWindow;
  /** Saves the window's state when it closes. */
  track(window: BrowserWindow): void;
  /** The UI language, behind the bridge's getUiLocale / setUiLocale verbs. */
  readonly uiLocale: UiLocaleStore;
}

export function createPreferences(): Preferences {
  // A corrupt file is reset rather than fatal: these are conveniences, not data.
  const store = new Store<PreferencesData>({ name: 'preferences', clearInvalidConfig: true });

  return {
    uiLocale: createUiLocaleStore(store),
    initialWindow() {
      // Values are re-validated on read: the file may be from another version, or hand-edited.
      const saved = WindowState.safeParse(store.get('window'));
      const zoom = ZoomFactor.safeParse(store.get('zoomFactor'));
      const primary = screen.getPrimaryDisplay();
      const others = screen.getAllDisplays().filter((d) => d.id !== primary.id);
      return {
        bounds: placeWindow(saved.success ? saved.data.bounds : undefined, [primary, ...others].map((d) => d.workArea)),
        maximized: saved.success && saved.data.maximized,
        zoomFactor: zoom.success ? zoom.data : 1,
      };
    },
    track(window) {
      window.on('close', () => {
        const { x, y, width, height } = window.getNormalBounds();
        const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
        const state: WindowState = { bounds, maximized: window.isMaximized() };
        store.set('window', state);
        store.set('zoomFactor', window.webContents.getZoomFactor());
      });
    },
  };
}
