import { policyHeader, uiPolicyDirectives } from '../../shared/security-policy.ts';

// The CSP every page of our origin gets, added by the main process to each response
// (security.ts), so the window is locked down whatever the engine's server sends. Pure.

export const contentSecurityPolicy = policyHeader(uiPolicyDirectives);

/**
 * Adds our policy next to any the server already sent. Several policies are all enforced
 * (CSP3 §8.1, "multiple policies"), so this can only tighten what the engine serves, never loosen it.
 */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, string | string[]>> | undefined,
  policy: string = contentSecurityPolicy,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cspKey = 'Content-Security-Policy';
  for (const [key, value] of Object.entries(headers ?? {})) {
    out[key] = Array.isArray(value) ? [...value] : [value];
    if (key.toLowerCase() === 'content-security-policy') cspKey = key;
  }
  out[cspKey] = [...(out[cspKey] ?? []), policy];
  return out;
}
