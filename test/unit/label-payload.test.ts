import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeQr } from '../../electron/station/labels/qr.ts';
import {
  CROCKFORD_ALPHABET,
  encodeJsonPayload,
  encodeTokenPayload,
  encodeUrlPayload,
  formatShortCode,
  isTokenKey,
  isTokenSecret,
  parseLabelPayload,
  parseShortCode,
} from '../../shared/label-payload.ts';

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');
const keys = Array.from({ length: 200 }, () => crockford(10));

function substitutions(text: string, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < text.length; i++) {
    for (const ch of CROCKFORD_ALPHABET) if (ch !== text[i]) out.push(text.slice(0, i) + ch + text.slice(i + 1));
  }
  return out;
}

function adjacentSwaps(text: string, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < text.length - 1; i++) {
    if (text[i] !== text[i + 1]) out.push(text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2));
  }
  return out;
}

describe('token keys and secrets', () => {
  it('accept uppercase Crockford base32 of the right length only', () => {
    expect(isTokenKey('0123456789')).toBe(true);
    expect(isTokenKey('ABCDEFGHJK')).toBe(true);
    for (const bad of ['ABCDEFGHJ', 'ABCDEFGHJKM', 'abcdefghjk', 'ABCDEFGHJI', 'ABCDEFGHJL', 'ABCDEFGHJO', 'ABCDEFGHJU']) {
      expect(isTokenKey(bad), bad).toBe(false);
    }
    expect(isTokenSecret('0123456789ABCDEF')).toBe(true);
    expect(isTokenSecret('0123456789ABCDE')).toBe(false);
  });
});

describe('token payload', () => {
  it('round-trips key and secret, and a PIN-protected token carries no secret', () => {
    for (const key of keys.slice(0, 50)) {
      const secret = crockford(16);
      expect(parseLabelPayload(encodeTokenPayload(key, secret))).toEqual({ kind: 'token', key, secret });
      const protectedPayload = encodeTokenPayload(key, null);
      expect(protectedPayload).toMatch(new RegExp(`^FS1:${key}::[0-9A-Z]$`));
      expect(parseLabelPayload(protectedPayload)).toEqual({ kind: 'token', key, secret: null });
    }
  });

  it('stays in QR alphanumeric mode, so a token label is a small version 2 symbol', () => {
    const payload = encodeTokenPayload(keys[0]!, crockford(16));
    expect(payload).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(encodeQr(payload, 'M').version).toBe(2);
  });

  it('rejects every single-character change and every adjacent swap in key, secret or check', () => {
    for (const key of keys.slice(0, 40)) {
      const payload = encodeTokenPayload(key, crockford(16));
      const body = 'FS1:'.length;
      const broken = [...substitutions(payload, body), ...adjacentSwaps(payload, body)].filter((p) => p !== payload);
      for (const typo of broken) expect(parseLabelPayload(typo), typo).toBeNull();
    }
  });

  it('reads what a USB scanner types: trailing Enter (CR, LF, CRLF), stray spaces, Caps Lock', () => {
    const key = keys[1]!;
    const secret = crockford(16);
    const payload = encodeTokenPayload(key, secret);
    for (const typed of [`${payload}\r`, `${payload}\n`, `${payload}\r\n`, `  ${payload}\t\r\n`, payload.toLowerCase()]) {
      expect(parseLabelPayload(typed)).toEqual({ kind: 'token', key, secret });
    }
  });
});

describe('url and json payloads', () => {
  it('url: round-trips the key, with IPv4, names and IPv6 hosts', () => {
    const key = keys[2]!;
    expect(encodeUrlPayload('192.168.1.20', 8080, key)).toBe(`http://192.168.1.20:8080/onboard/${key}`);
    expect(encodeUrlPayload('fd00::20', 8080, key)).toBe(`http://[fd00::20]:8080/onboard/${key}`);
    for (const host of ['192.168.1.20', 'station.local', 'fd00::20']) {
      expect(parseLabelPayload(`${encodeUrlPayload(host, 8080, key)}\r\n`)).toEqual({ kind: 'url', key });
    }
    expect(parseLabelPayload(`http://192.168.1.20:8080/onboard/${key.slice(0, 9)}U`)).toBeNull();
    expect(() => encodeUrlPayload('192.168.1.20', 70_000, key)).toThrow(/port/);
  });

  it('json: compact, fixed field order, secret left out for a PIN-protected token', () => {
    const key = keys[3]!;
    const secret = crockford(16);
    const ports = { http: 8080, mqtt: 1883, coap: 5683 };
    const json = encodeJsonPayload({ host: '10.0.0.2', ports, key, secret });
    expect(json).toBe(`{"host":"10.0.0.2","ports":{"http":8080,"mqtt":1883,"coap":5683},"key":"${key}","secret":"${secret}"}`);
    expect(parseLabelPayload(`${json}\n`)).toEqual({ kind: 'json', key, secret });
    const locked = encodeJsonPayload({ host: '10.0.0.2', ports, key, secret: null });
    expect(locked).not.toContain('secret');
    expect(parseLabelPayload(locked)).toEqual({ kind: 'json', key, secret: null });
    expect(parseLabelPayload('{"host":"10.0.0.2","key":"short"}')).toBeNull();
    expect(parseLabelPayload('{"host":')).toBeNull();
  });

  it('json payload carries the CA fingerprint for pinning only when asked, and stays readable', () => {
    const key = keys[3]!;
    const secret = crockford(16);
    const ports = { http: 8080, mqtt: 1883, coap: 5683 };
    const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
    const pinned = encodeJsonPayload({ host: '10.0.0.2', ports, key, secret, caFingerprint: fingerprint });
    expect(pinned).toBe(
      `{"host":"10.0.0.2","ports":{"http":8080,"mqtt":1883,"coap":5683},"key":"${key}","secret":"${secret}","ca":"${fingerprint.replace(/:/g, '').toLowerCase()}"}`,
    );
    expect(parseLabelPayload(pinned)).toEqual({ kind: 'json', key, secret });
    expect(() => encodeJsonPayload({ host: '10.0.0.2', ports, key, secret, caFingerprint: 'AB:CD' })).toThrow(RangeError);
  });

  it('encoders refuse malformed keys and secrets instead of printing labels that cannot work', () => {
    expect(() => encodeTokenPayload('abcdefghjk', null)).toThrow(/key/);
    expect(() => encodeTokenPayload(keys[0]!, 'TOO-SHORT')).toThrow(/secret/);
  });
});

describe('short code', () => {
  it('groups the key as XXXX-XXXX-XX-C and parses back to it', () => {
    for (const key of keys) {
      const code = formatShortCode(key);
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}-[0-9A-Z]$/);
      expect(code.replaceAll('-', '').slice(0, 10)).toBe(key);
      expect(parseShortCode(code)).toEqual({ ok: true, key });
      expect(parseLabelPayload(`${code}\r\n`)).toEqual({ kind: 'shortCode', key });
    }
  });

  it('normalises what people type: case, spaces, missing dashes, I/L for 1 and O for 0', () => {
    const key = '10ABCD10EF';
    const code = formatShortCode(key);
    const check = code.at(-1)!;
    for (const typed of [code.toLowerCase(), `i0ab cdl0 ef ${check}`, `IOAB-CDLO-EF-${check}`, ` 10ABCD10EF${check} `]) {
      expect(parseShortCode(typed), typed).toEqual({ ok: true, key });
    }
  });

  it('catches every single-character typo and every swap of neighbouring characters (check character included)', () => {
    let tried = 0;
    for (const key of keys) {
      const compact = formatShortCode(key).replaceAll('-', '');
      for (const typo of [...substitutions(compact, 0), ...adjacentSwaps(compact, 0)]) {
        expect(parseShortCode(typo), `${compact} typed as ${typo}`).toEqual({ ok: false, reason: 'check' });
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(200 * 11 * 31);
  });

  it('says why a code is refused', () => {
    expect(parseShortCode('ABCD-EFGH-J')).toEqual({ ok: false, reason: 'length' });
    expect(parseShortCode('ABCD-EFGH-JK-U')).toEqual({ ok: false, reason: 'character' });
    expect(parseLabelPayload('hello')).toBeNull();
    expect(parseLabelPayload('')).toBeNull();
  });
});
