import { useEffect, useRef } from 'react';

/**
 * A USB barcode scanner is a keyboard: it types the label's payload a few milliseconds a key and presses Enter,
 * wherever the focus is. Left alone, those keys fire the UI's shortcuts (a scanned `url` label's "b" in "onboard"
 * opened New batch, and the rest of the URL became its name) or land in whatever field has focus.
 *
 * A scan is a burst of at least `minScanLength` characters ending in Enter whose keys came on average within
 * `maxMeanGapMs` of each other. The average, not each gap, decides: a busy machine (the station provisioning a
 * thousand devices) can stall one key for a while, and a scan must not break in two there. A pause of `burstGapMs`
 * ends a burst. Where the keys land meanwhile:
 * - in a text field, they are typed as usual (no lag for a person); if the burst turns out to be a scan, the field
 *   gets back the value it had before the burst and the Enter never reaches it;
 * - anywhere else (where single keys are shortcuts), they are held back, and delivered in order as a person's keys
 *   once the burst ends without being a scan.
 */
export const maxMeanGapMs = 50;
export const burstGapMs = 150;
export const minScanLength = 6;

interface HeldKey {
  key: string;
  code: string;
  shiftKey: boolean;
  target: EventTarget | null;
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

interface Burst {
  keys: string[];
  firstAt: number;
  lastAt: number;
  /** The text field the burst types into, and what it held before; null when the keys are held back. */
  field: TextField | null;
  before: string;
  held: HeldKey[];
}

const modifierKeys = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta']);

function textFieldOf(target: EventTarget | null): TextField | null {
  if (target instanceof HTMLTextAreaElement) return target;
  if (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type)) {
    return target;
  }
  return null;
}

/** Sets a field's value the way React notices (its own setter is bypassed, then an input event). */
function restore(field: TextField, value: string): void {
  const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Delivers held keys as a person's: as (untrusted) keydown events for the shortcuts, in order. */
function deliver(keys: HeldKey[]): void {
  for (const k of keys) {
    const target = k.target instanceof Node && k.target.isConnected ? k.target : document.body;
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k.key, code: k.code, shiftKey: k.shiftKey, bubbles: true, cancelable: true, composed: true }));
  }
}

const isScan = (b: Burst) => b.keys.length >= minScanLength && (b.lastAt - b.firstAt) / Math.max(1, b.keys.length - 1) <= maxMeanGapMs;

/** Installs the scan detector on the window for the life of the component; `onScan` gets the code without Enter. */
export function useBarcodeScans(onScan: (code: string) => void): void {
  const current = useRef(onScan);
  current.current = onScan;

  useEffect(() => {
    let burst: Burst | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = () => {
      clearTimeout(timer);
      timer = undefined;
      const b = burst;
      burst = null;
      if (b?.held.length) deliver(b.held);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      // Our own deliveries are untrusted; let them through.
      if (!event.isTrusted) return;
      if (burst && event.timeStamp - burst.lastAt > burstGapMs) end();
      if (event.key === 'Enter' && burst) {
        const b = burst;
        if (isScan(b)) {
          event.preventDefault();
          event.stopImmediatePropagation();
          burst = null;
          clearTimeout(timer);
          if (b.field) restore(b.field, b.before);
          current.current(b.keys.join(''));
          return;
        }
        end();
        return;
      }
      if (modifierKeys.has(event.key)) return; // a scanner presses Shift for capitals and symbols
      const character =
        event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing && !event.repeat;
      if (!character) {
        // Arrows, Escape, Space, Tab: after the held keys, in order.
        end();
        return;
      }
      const field = textFieldOf(event.target);
      if (burst && burst.field !== field) end();
      burst ??= { keys: [], firstAt: event.timeStamp, lastAt: event.timeStamp, field, before: field?.value ?? '', held: [] };
      burst.keys.push(event.key);
      burst.lastAt = event.timeStamp;
      if (!field) {
        event.preventDefault();
        event.stopImmediatePropagation();
        burst.held.push({ key: event.key, code: event.code, shiftKey: event.shiftKey, target: event.target });
      }
      clearTimeout(timer);
      timer = setTimeout(end, burstGapMs);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      clearTimeout(timer);
    };
  }, []);
}
