import { describe, expect, it } from 'vitest';
import { defaultWindowSize, placeWindow, WindowState } from '../../electron/desktop/window-state.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const monitorRight = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('placeWindow', () => {
  it('centres the default size on the primary display on first launch', () => {
    expect(placeWindow(undefined, [laptop])).toEqual({ x: 320, y: 120, ...defaultWindowSize });
  });

  it('restores saved bounds that are on a display', () => {
    const saved = { x: 2000, y: 100, width: 1400, height: 900 };
    expect(placeWindow(saved, [laptop, monitorRight])).toEqual(saved);
  });

  it('moves a window that hangs off the edge back onto its display', () => {
    expect(placeWindow({ x: 1700, y: -50, width: 1000, height: 700 }, [laptop])).toEqual({
      x: 920,
      y: 0,
      width: 1000,
      height: 700,
    });
  });

  it('brings back a window left on a monitor that is gone, centred on the primary display', () => {
    const saved = { x: 2000, y: 100, width: 1400, height: 900 };
    expect(placeWindow(saved, [laptop])).toEqual({ x: 260, y: 70, width: 1400, height: 900 });
  });

  it('shrinks a window larger than the display it lands on', () => {
    const small = { x: 0, y: 0, width: 1280, height: 700 };
    expect(placeWindow({ x: 0, y: 0, width: 2500, height: 1300 }, [small])).toEqual(small);
  });

  it('treats a sliver on screen as off screen', () => {
    const saved = { x: 1900, y: 100, width: 800, height: 600 }; // 20 px visible
    expect(placeWindow(saved, [laptop])).toEqual({ x: 560, y: 220, width: 800, height: 600 });
  });

  it('picks the display holding most of the window', () => {
    const saved = { x: 1500, y: 100, width: 1200, height: 800 }; // 420 px on the laptop, 780 px on the monitor
    expect(placeWindow(saved, [laptop, monitorRight])).toEqual({ x: 1920, y: 100, width: 1200, height: 800 });
  });

  it('keeps the size alone when no display is known', () => {
    expect(placeWindow({ x: 5, y: 5, width: 900, height: 600 }, [])).toEqual({ width: 900, height: 600 });
  });
});

describe('stored window state', () => {
  it('rejects what an older version or a hand edit may have left', () => {
    expect(WindowState.safeParse({ bounds: { x: 0, y: 0, width: 0, height: 600 }, maximized: false }).success).toBe(false);
    expect(WindowState.safeParse({ bounds: { x: '0', y: 0, width: 800, height: 600 }, maximized: false }).success).toBe(false);
    expect(WindowState.safeParse(undefined).success).toBe(false);
    expect(WindowState.safeParse({ bounds: { x: -10, y: 0, width: 800, height: 600 }, maximized: true }).success).toBe(true);
  });
});
