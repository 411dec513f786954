import { useEffect, useRef } from 'react';

/**
 * A USB barcode scanner is a keyboard: it types the label's payload a few milliseconds a key and presses Enter,
 * wherever the focus is. Left alone, those keys fire the UI's shortcuts (a scanned `url` label's "b" in "onboard"
 * opened New batch, and the rest of the URL became its name) or land in whatever field has focus.
 *
 * So every printable key is held back for a moment, in the capture phase, before any shortcut or field sees it.
 * A burst of at least `minScanLength` keys, each within `maxGapMs` of the one before and ending in Enter, is a scan:
 * it goes to `onScan` and nothing else sees it. Anything else is a person typing: when the keys stop (or a key that
 * is not a character comes), they are delivered in order as if never held — typed into the field that had focus,
 * or dispatched as the key for the shortcuts. A person feels at most `maxGapMs` of delay.
 */
export const maxGapMs = 50;
export const minScanLength = 6;

interface HeldKey {
  key: string;
  code: string;
  shiftKey: boolean;
  target: EventTarget | null;
}

const modifierKeys = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta']);

function isTextField(target: EventTarget | null): target is HTMLElement {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return (
    target instanceof HTMLInputElement &&
    !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type)
  );
}

/** Delivers held keys as a person's: text into the focused field, the rest as (untrusted) keydown events. */
function deliver(keys: HeldKey[]): void {
  let text = '';
  let field: HTMLElement | null = null;
  const flushText = () => {
    // insertText goes through the browser's editing path: React sees an ordinary input event, and undo works.
    if (text && field && document.activeElement === field) document.execCommand('insertText', false, text);
    text = '';
  };
  for (const k of keys) {
    if (isTextField(k.target) && document.activeElement === k.target) {
      if (field !== k.target) flushText();
      field = k.target;
      text += k.key;
      continue;
    }
    flushText();
    const target = k.target instanceof Node && k.target.isConnected ? k.target : document.body;
    target.dispatchEvent(
      new KeyboardEvent('keydown', { key: k.key, code: k.code, shiftKey: k.shiftKey, bubbles: true, cancelable: true, composed: true }),
    );
  }
  flushText();
}

/** Installs the scan detector on the window for the life of the component; `onScan` gets the code without Enter. */
export function useBarcodeScans(onScan: (code: string) => void): void {
  const current = useRef(onScan);
  current.current = onScan;

  useEffect(() => {
    let held: HeldKey[] = [];
    let lastAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const release = () => {
      clearTimeout(timer);
      timer = undefined;
      const keys = held;
      held = [];
      if (keys.length) deliver(keys);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      // Our own deliveries are untrusted; let them through.
      if (!event.isTrusted) return;
      if (held.length && event.timeStamp - lastAt > maxGapMs) release();
      if (event.key === 'Enter' && held.length) {
        if (held.length >= minScanLength) {
          event.preventDefault();
          event.stopImmediatePropagation();
          const code = held.map((k) => k.key).join('');
          held = [];
          clearTimeout(timer);
          current.current(code);
          return;
        }
        release();
        return;
      }
      if (modifierKeys.has(event.key)) return; // a scanner presses Shift for capitals and symbols
      const character =
        event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing && !event.repeat;
      if (!character) {
        // Arrows, Escape, Space, Tab: after the held keys, in order.
        release();
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      held.push({ key: event.key, code: event.code, shiftKey: event.shiftKey, target: event.target });
      lastAt = event.timeStamp;
      clearTimeout(timer);
      timer = setTimeout(release, maxGapMs);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      clearTimeout(timer);
    };
  }, []);
}
