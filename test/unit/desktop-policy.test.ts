import { describe, expect, it } from 'vitest';
import { docsUrls } from '../../shared/desktop-bridge.ts';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../../electron/desktop/content-security-policy.ts';
import {
  appOriginOf,
  isAllowedExternalUrl,
  isAllowedFrameNavigation,
  isAppUrl,
  isTrustedSender,
} from '../../electron/desktop/navigation-policy.ts';

const origin = 'http://127.0.0.1:4780';

describe('appOriginOf', () => {
  it('takes the origin of the engine UI URL, dropping the token', () => {
    expect(appOriginOf('http://127.0.0.1:4780/?token=abc')).toBe(origin);
  });
  it('refuses anything but http on loopback', () => {
    expect(() => appOriginOf('https://127.0.0.1:4780/')).toThrow(/loopback/);
    expect(() => appOriginOf('http://192.168.1.5:4780/')).toThrow(/loopback/);
  });
});

describe('isAppUrl (will-navigate, will-redirect)', () => {
  it('allows our own origin, any path', () => {
    expect(isAppUrl(`${origin}/`, origin)).toBe(true);
    expect(isAppUrl(`${origin}/devices?batch=3#x`, origin)).toBe(true);
  });
  it.each([
    'http://127.0.0.1:4781/',
    'http://localhost:4780/',
    'https://127.0.0.1:4780/',
    'http://evil.example/',
    'https://thingsboard.io/docs/',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'javascript:alert(1)',
    'about:blank',
    `http://user:pw@127.0.0.1:4780/`,
    'not a url',
  ])('denies %s', (url) => {
    expect(isAppUrl(url, origin)).toBe(false);
  });
  it('denies everything before the engine has told us its origin', () => {
    expect(isAppUrl(`${origin}/`, null)).toBe(false);
  });
});

describe('isAllowedFrameNavigation', () => {
  it('lets subframes use about:blank and about:srcdoc, never the main frame', () => {
    expect(isAllowedFrameNavigation('about:blank', origin, false)).toBe(true);
    expect(isAllowedFrameNavigation('about:srcdoc', origin, false)).toBe(true);
    expect(isAllowedFrameNavigation('about:blank', origin, true)).toBe(false);
    expect(isAllowedFrameNavigation('https://evil.example/', origin, false)).toBe(false);
    expect(isAllowedFrameNavigation(`${origin}/labels`, origin, true)).toBe(true);
  });
});

describe('isAllowedExternalUrl (the system browser)', () => {
  it('allows every docs page the bridge can open', () => {
    for (const url of Object.values(docsUrls)) expect(isAllowedExternalUrl(url), url).toBe(true);
  });
  it.each([
    'http://thingsboard.io/docs/',
    'https://thingsboard.io.evil.example/',
    'https://evil.example/?thingsboard.io',
    'https://sub.thingsboard.io/',
    'https://thingsboard.io:8443/',
    'https://user@thingsboard.io/',
    'file:///C:/Windows/System32/calc.exe',
    'smb://host/share',
    'javascript:alert(1)',
    '',
  ])('denies %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('isTrustedSender (every IPC handler)', () => {
  const top = { url: `${origin}/devices`, parent: null };
  it('accepts our own top frame', () => {
    expect(isTrustedSender(top, origin)).toBe(true);
  });
  it('refuses subframes, other origins, missing or disposed frames, and an unknown origin', () => {
    expect(isTrustedSender({ url: `${origin}/`, parent: top }, origin)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, origin)).toBe(false);
    expect(isTrustedSender(null, origin)).toBe(false);
    expect(isTrustedSender(undefined, origin)).toBe(false);
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(isTrustedSender(disposed, origin)).toBe(false);
    expect(isTrustedSender(top, null)).toBe(false);
  });
});

describe('content security policy', () => {
  it('is the strict policy', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
  it('is added beside the server’s own policy, under the key the server used, never replacing it', () => {
    const out = withContentSecurityPolicy({ 'content-security-policy': ["default-src 'none'"], 'Content-Type': 'text/html' });
    expect(out).toEqual({
      'content-security-policy': ["default-src 'none'", contentSecurityPolicy],
      'Content-Type': ['text/html'],
    });
  });
  it('is added when the server sent none', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy] });
  });
});
