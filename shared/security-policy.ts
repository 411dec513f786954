// The admin UI's Content-Security-Policy, one list for the two places that send it: the station's file server
// (electron/station/api/static-files.ts) and the desktop window, which adds it to every response of our origin
// (electron/desktop/content-security-policy.ts). Plain data, so it stays importable from either side.

export const uiPolicyDirectives: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  // React and the label preview set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];

/** Directives as one Content-Security-Policy header value (CSP3 §2.2: separated by semicolons). */
export const policyHeader = (directives: readonly string[]): string => directives.join('; ');
