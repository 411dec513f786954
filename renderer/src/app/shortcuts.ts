import { useEffect, useRef } from 'react';

/** One shortcut: `keys` is a single key (`/`, `?`, `t`) or a two-key sequence written with a space (`g d`). */
export interface Shortcut {
  keys: string;
  description: string;
  run: () => void;
}

const sequenceTimeoutMs = 1200;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  }
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** Global single-key shortcuts (as in Gmail and GitHub): ignored while typing in a field or with a modifier held. */
export function useShortcuts(shortcuts: readonly Shortcut[]): void {
  const current = useRef(shortcuts);
  current.current = shortcuts;

  useEffect(() => {
    let pending: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target)) return;
      // A modal dialog owns the keyboard (Esc closes it; the page behind must not react).
      if (document.querySelector('dialog[open]:modal')) return;
      const key = event.key;
      const keys = pending ? `${pending} ${key}` : key;
      const match = current.current.find((s) => s.keys === keys);
      clearTimeout(timer);
      if (match) {
        pending = null;
        event.preventDefault();
        match.run();
        return;
      }
      if (!pending && current.current.some((s) => s.keys.startsWith(`${key} `))) {
        pending = key;
        timer = setTimeout(() => {
          pending = null;
        }, sequenceTimeoutMs);
        return;
      }
      pending = null;
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      clearTimeout(timer);
    };
  }, []);
}
