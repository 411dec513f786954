import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MIN_MODULE_MM, placeQr } from '../../electron/station/labels/layout.ts';
import { renderLabelsPdf } from '../../electron/station/labels/pdf.ts';
import { checkFit, LabelFitError, PayloadTooLongError } from '../../electron/station/labels/qr.ts';
import { getTemplate, listTemplates } from '../../electron/station/labels/templates.ts';
import { zplLabels } from '../../electron/station/labels/zpl.ts';
import { CROCKFORD_ALPHABET, encodeJsonPayload, encodeTokenPayload, encodeUrlPayload } from '../../shared/label-payload.ts';

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');
const ports = { http: 8080, mqtt: 1883, coap: 5683 };
const token = encodeTokenPayload(crockford(10), crockford(16));
const url = encodeUrlPayload('192.168.178.20', 8080, crockford(10));
const shortJson = encodeJsonPayload({ host: '192.168.178.20', ports, key: crockford(10), secret: crockford(16) });
// A site that names its station by FQDN: 170 characters, a version 9 symbol at level M.
const longJson = encodeJsonPayload({ host: 'provisioning.fieldstation-warehouse-b.site-0042.example.internal', ports, key: crockford(10), secret: crockford(16) });

function countingSink() {
  const sink = {
    bytes: 0,
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        sink.bytes += chunk.length;
        done();
      },
    }),
  };
  return sink;
}

describe('QR fit: modules never under 0.33 mm', () => {
  it('token, url and IP-host json payloads print on every template, at every dpi, with modules of at least 0.33 mm', () => {
    for (const t of listTemplates()) {
      for (const dpi of t.dpi ?? [undefined]) {
        for (const payload of [token, url, shortJson]) {
          const fit = checkFit(t, payload, 'M', { dpi });
          expect(fit.ok, `${t.name} @ ${dpi ?? 'sheet'}: ${payload}`).toBe(true);
          if (fit.ok) expect(fit.placement.moduleMm).toBeGreaterThanOrEqual(MIN_MODULE_MM);
        }
        const tokenQ = checkFit(t, token, 'Q', { dpi });
        expect(tokenQ.ok, `${t.name} token at level Q`).toBe(true);
      }
    }
  });

  it('thermal modules are whole dots: 3 dots at 203 dpi and 4 at 300 dpi are the smallest allowed', () => {
    const t = getTemplate('zebra-2x1');
    expect(placeQr(t, 45, 203)?.dots?.module).toBe(3);
    expect(placeQr(t, 61, 203)).toBeNull();
    expect(placeQr(t, 61, 300)?.dots?.module).toBe(4);
  });

  it('a long json payload is refused on avery-l7651 with the A4 sheet that fits named', () => {
    const fit = checkFit(getTemplate('avery-l7651'), longJson, 'M');
    expect(fit.ok).toBe(false);
    if (fit.ok) return;
    expect(fit.error).toBeInstanceOf(LabelFitError);
    expect(fit.error.code).toBe('LABEL_QR_TOO_SMALL');
    expect(fit.error.suggestion).toBe('avery-l7160');
    expect(fit.error.message).toMatch(/on "avery-l7651" its modules would be 0\.\d\d mm, below the 0\.33 mm/);
    expect(fit.error.message).toContain('Use "avery-l7160" (63.5 × 38.1 mm) instead');
  });

  it('the PDF renderer refuses it before writing a single byte', async () => {
    const sink = countingSink();
    const labels = Array.from({ length: 500 }, (_, i) => ({ payload: i === 499 ? longJson : token, name: `Valve ${i}` }));
    const render = renderLabelsPdf(getTemplate('avery-l7651'), labels, sink.stream);
    await expect(render).rejects.toThrow(LabelFitError);
    await expect(render).rejects.toThrow(/avery-l7160/);
    expect(sink.bytes).toBe(0);
  });

  it('ZPL refuses before the first label, and suggests the other head resolution when that would do', async () => {
    const payload = encodeJsonPayload({ host: 'provisioning.fieldstation-warehouse-b.site-0042.example.internal', ports, key: crockford(10), secret: null });
    const fit = checkFit(getTemplate('zebra-2x1'), payload, 'Q', { dpi: 203 });
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(fit.error.message).toContain('It fits "zebra-2x1" on a 300 dpi printer; otherwise use "zebra-4x2"');

    const produced: string[] = [];
    const job = (async () => {
      for await (const zpl of zplLabels(getTemplate('zebra-2x1'), [{ payload, name: 'Gate' }], { dpi: 203, ecc: 'Q' })) produced.push(zpl);
    })();
    await expect(job).rejects.toThrow(LabelFitError);
    expect(produced).toEqual([]);
  });

  it('a payload no QR code can hold gets a plain error', () => {
    expect(() => checkFit(getTemplate('avery-5163'), 'x'.repeat(3000), 'M')).toThrow(PayloadTooLongError);
  });
});
