import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module shared with `npm run lint`
import { layerViolations } from '../../scripts/check-layers.mjs';

describe('architecture layers', () => {
  it('keeps electron inside the desktop host, Node out of renderer/ and shared/, and no import cycles', () => {
    expect(layerViolations()).toEqual([]);
  });
});
