import { useSyncExternalStore } from 'react';

/** Devices picked in a batch for (re)printing: what the Labels screen prints instead of the whole batch. */
export interface LabelSelection {
  batch: string;
  devices: readonly string[];
}

// Kept in memory, not in the address: a selection may name 10,000 devices.
let current: LabelSelection | null = null;
const listeners = new Set<() => void>();

export function setLabelSelection(selection: LabelSelection | null): void {
  current = selection;
  for (const l of listeners) l();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useLabelSelection = () => useSyncExternalStore(subscribe, () => current);
