import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { identifyDeviceListFile, wrongFileMessage } from '../../shared/device-list-file.ts';

// A 1×1 PNG, as a phone's photo of the paper list would start.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('what a chosen device-list file is', () => {
  test('an .xlsx is read as CSV text of its first sheet: padded rows, row numbers kept as line numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Devices');
    sheet.addRow(['name', 'serial', 'mac', 'Floor']);
    sheet.addRow(['pump-1', 1200345, 'AA:BB:CC:DD:EE:FF', 3]);
    sheet.addRow([]);
    sheet.addRow(['pump, 2', { richText: [{ text: 'S-' }, { text: '2' }] }, null, { formula: '1+1', result: 2 }]);
    workbook.addWorksheet('Notes').addRow(['not read']);
    const file = await identifyDeviceListFile(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(file).toEqual({
      kind: 'spreadsheet',
      sheet: 'Devices',
      text: 'name,serial,mac,Floor\npump-1,1200345,AA:BB:CC:DD:EE:FF,3\n\n"pump, 2",S-2,,2\n',
    });
  });

  test('a PNG is named as one, with the file name', async () => {
    const file = await identifyDeviceListFile(png);
    expect(file).toEqual({ kind: 'wrong', ext: 'png', mime: 'image/png', category: 'image' });
    if (file.kind !== 'wrong') throw new Error('unreachable');
    expect(wrongFileMessage('photo of list.png', file)).toBe(
      'photo of list.png: this is a PNG image (image/png), not a device list; choose a CSV, JSON or Excel (.xlsx) file',
    );
  });

  test('CSV and JSON text, and Windows-1252 text, go on to the text decoder', async () => {
    expect(await identifyDeviceListFile(Buffer.from('name,serial\npump-1,S1\n'))).toEqual({ kind: 'text' });
    expect(await identifyDeviceListFile(Buffer.from('[{"name":"a"}]'))).toEqual({ kind: 'text' });
    expect(await identifyDeviceListFile(Buffer.from('name\nM\xfcnchen\n', 'latin1'))).toEqual({ kind: 'text' });
  });
});
