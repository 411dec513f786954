import type { DesktopBridge } from '../../../shared/desktop-bridge.ts';

/** The desktop app's bridge (electron/preload.ts), absent in a browser and under Node. */
export const desktopBridge = (): DesktopBridge | undefined =>
  typeof window === 'undefined' ? undefined : (window as { fieldstation?: DesktopBridge }).fieldstation;
