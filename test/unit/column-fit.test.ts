import { describe, expect, it } from 'vitest';
import { fitColumns, trackMinPx } from '../../renderer/src/components/column-fit.ts';

describe('columns that give way on a narrow table', () => {
  it('reads the smallest width a grid track can take', () => {
    expect(trackMinPx('7rem', 16)).toBe(112);
    expect(trackMinPx('minmax(9rem, 1fr)', 16)).toBe(144);
    expect(trackMinPx('120px', 16)).toBe(120);
    // A track with no fixed minimum (1fr, auto) takes no width of its own.
    expect(trackMinPx('1fr', 16)).toBe(0);
  });

  const columns = [
    { id: 'name', width: 'minmax(10rem, 1fr)' },
    { id: 'ids', width: '15rem', priority: 2 },
    { id: 'profile', width: '8rem', priority: 7 },
    { id: 'state', width: '8.5rem' },
    { id: 'seen', width: '8rem', priority: 3 },
  ];
  const ids = (width: number) => fitColumns(columns, width, 16).map((c) => c.id);

  it('keeps every column when they fit, and the same array (rows need not render again)', () => {
    expect(fitColumns(columns, 2000, 16)).toBe(columns);
  });

  it('drops the highest priority number first, keeping the order of the rest', () => {
    // 160 + 240 + 128 + 136 + 128 = 792 px
    expect(ids(791)).toEqual(['name', 'ids', 'state', 'seen']);
    expect(ids(663)).toEqual(['name', 'ids', 'state']);
    expect(ids(535)).toEqual(['name', 'state']);
  });

  it('never drops a column without a priority, however narrow', () => {
    expect(ids(100)).toEqual(['name', 'state']);
  });
});
