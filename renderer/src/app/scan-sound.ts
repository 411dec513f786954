/**
 * A short tone for every scan, so a technician on a ladder knows without looking: two rising beeps for a device found
 * or checked in, a low double buzz for a code that found nothing or a check-in that failed, two even beeps for a
 * question (the device is already installed elsewhere). WebAudio oscillators, no
 * sound files. Muting is remembered in this browser (a UI choice, like the theme).
 */
export type ScanTone = 'ok' | 'fail' | 'ask';

const mutedKey = 'fieldstation.scanSoundMuted';

export function scanSoundMuted(): boolean {
  try {
    return localStorage.getItem(mutedKey) === '1';
  } catch {
    return false;
  }
}

export function setScanSoundMuted(muted: boolean): void {
  try {
    if (muted) localStorage.setItem(mutedKey, '1');
    else localStorage.removeItem(mutedKey);
  } catch {
    // Storage refused (private mode): the choice holds until the page reloads.
  }
}

// Frequency (Hz), start and length (s) of each beep; a square wave for the failure so it sounds wrong, not just lower.
const tones: Record<ScanTone, { type: OscillatorType; beeps: [number, number, number][] }> = {
  ok: { type: 'sine', beeps: [[880, 0, 0.09], [1320, 0.11, 0.12]] },
  fail: { type: 'square', beeps: [[220, 0, 0.18], [196, 0.24, 0.24]] },
  ask: { type: 'triangle', beeps: [[660, 0, 0.12], [660, 0.2, 0.12]] },
};

let context: AudioContext | null = null;

export function playScanTone(tone: ScanTone): void {
  if (scanSoundMuted() || typeof AudioContext === 'undefined') return;
  try {
    context ??= new AudioContext();
    // A context made before any user gesture starts suspended; a scan is a gesture's consequence often enough.
    if (context.state === 'suspended') void context.resume();
    const { type, beeps } = tones[tone];
    const now = context.currentTime;
    for (const [frequency, start, length] of beeps) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = type;
      osc.frequency.value = frequency;
      // Quick fade in and out: no click at either end.
      gain.gain.setValueAtTime(0, now + start);
      gain.gain.linearRampToValueAtTime(0.25, now + start + 0.01);
      gain.gain.linearRampToValueAtTime(0, now + start + length);
      osc.connect(gain).connect(context.destination);
      osc.start(now + start);
      osc.stop(now + start + length + 0.02);
    }
  } catch {
    // No audio output (a server without a sound card): the banner still says it.
  }
}
