import { parseCsv } from '../electron/station/import/csv.ts';
import { parseDeviceList } from '../electron/station/import/index.ts';
import type { BenchRow } from './types.ts';

const suite = 'import-parse';
const rowCount = 100_000;
const rounds = 7;

/**
 * Device-list import speed on 100,000 rows × 8 columns (8 MB): CSV parse + validate, CSV parse alone, and JSON,
 * each against `text.split('\n').map(l => l.split(','))` on the same CSV text in the same run, the floor for
 * any parser that reads every character. Cases alternate within each round, so a busy machine slows all of them
 * alike; each figure is the median of 7 rounds after a warm-up. A ratio below 1 means slower than the baseline.
 */
export async function benchImportParse(): Promise<BenchRow[]> {
  const csv = deviceListCsv(rowCount);
  const json = deviceListJson(rowCount);

  const [baseline, full, tokenize, fromJson] = rowsPerSecond([
    () => csv.split('\n').map((l) => l.split(',')),
    () => parseDeviceList(csv, 'csv'),
    () => parseCsv(csv),
    () => parseDeviceList(json, 'json'),
  ]) as [number, number, number, number];

  // The timings above mean nothing if the work was wrong.
  const check = parseDeviceList(csv, 'csv');
  if (check.rows.length !== rowCount || check.problems.length > 0) {
    throw new Error(`bench data did not parse cleanly: ${check.rows.length} rows, ${check.problems.length} problems`);
  }

  const row = (name: string, value: number, note: string): BenchRow => ({
    suite,
    case: name,
    value: Math.round(value),
    unit: 'rows/s',
    baseline: Math.round(baseline),
    ratio: Number((value / baseline).toFixed(3)),
    note,
  });
  const mb = (text: string) => `${(text.length / 1e6).toFixed(1)} MB`;
  return [
    row('csv parse+validate 100k×8', full, `${ms(full)} per 100k rows, ${mb(csv)}; baseline = split('\\n')+split(',')`),
    row('csv tokenize only 100k×8', tokenize, `${ms(tokenize)} per 100k rows`),
    row('json parse+validate 100k×8', fromJson, `${ms(fromJson)} per 100k rows, ${mb(json)}`),
  ];
}

function rowsPerSecond(cases: (() => unknown)[]): number[] {
  for (const work of cases) work();
  const times = cases.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((work, i) => {
      (globalThis as { gc?: () => void }).gc?.();
      const start = performance.now();
      work();
      times[i]!.push(performance.now() - start);
    });
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return rowCount / (t[Math.floor(rounds / 2)]! / 1000);
  });
}

function ms(rate: number): string {
  return `${((rowCount / rate) * 1000).toFixed(0)} ms`;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

interface BenchDevice {
  name: string;
  serial: string;
  mac: string;
  label: string;
  token: string;
  site: string;
  floor: string;
  zone: string;
}

function device(i: number): BenchDevice {
  return {
    name: `Sensor-${String(i).padStart(6, '0')}`,
    serial: `SN${(1_000_000 + i).toString(36).toUpperCase()}`,
    mac: ['02', '00', hex((i >> 16) & 0xff), hex((i >> 8) & 0xff), hex(i & 0xff), '01'].join(':'),
    // Every tenth label holds a comma, as real ones do, so the quoted path is exercised.
    label: i % 10 === 0 ? `Hall ${i % 7}, bay ${i % 13}` : `Hall ${i % 7} bay ${i % 13}`,
    token: `tok${i.toString(36)}x${(i * 7919).toString(36)}`,
    site: `Site-${i % 17}`,
    floor: String(i % 9),
    zone: `Z${i % 31}`,
  };
}

export function deviceListCsv(count: number): string {
  const lines = ['name,serial,mac,label,token,attr:site,attr:floor,attr:zone'];
  for (let i = 0; i < count; i++) {
    const d = device(i);
    const label = d.label.includes(',') ? `"${d.label}"` : d.label;
    lines.push([d.name, d.serial, d.mac, label, d.token, d.site, d.floor, d.zone].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function deviceListJson(count: number): string {
  const devices = [];
  for (let i = 0; i < count; i++) {
    const { site, floor, zone, ...fields } = device(i);
    devices.push({ ...fields, attributes: { site, floor, zone } });
  }
  return JSON.stringify(devices);
}
