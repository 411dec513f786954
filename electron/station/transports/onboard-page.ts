import type { OnboardingStatus } from '../provisioning/types.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const stateColour: Record<string, string> = { pending: '#9a6700', provisioned: '#1f6feb', online: '#1a7f37' };

/** Self-contained and script-free: served to phones on the LAN, under `default-src 'none'`. */
export const onboardPagePolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function onboardPage(status: OnboardingStatus | null, key: string): string {
  const body = status === null ? unknownKey(key) : known(status);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fieldstation · ${escapeHtml(status?.device?.name ?? key)}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:1.2rem;background:#f6f7f9;color:#1b1f24}
main{max-width:28rem;margin:auto;background:#fff;border:1px solid #d7dce2;border-radius:10px;padding:1.2rem}
h1{font-size:1.3rem;margin:0 0 .8rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0}
dt{color:#5b6570}dd{margin:0}.state{display:inline-block;padding:.15rem .6rem;border-radius:999px;color:#fff;font-weight:600}
footer{text-align:center;color:#5b6570;font-size:.85rem;margin-top:1rem}</style></head>
<body><main>${body}</main><footer>Fieldstation onboarding station</footer></body></html>`;
}

function known(s: OnboardingStatus): string {
  const rows: [string, string][] = [];
  if (s.device) {
    const colour = stateColour[s.device.state] ?? '#5b6570';
    rows.push(['State', `<span class="state" style="background:${colour}">${escapeHtml(s.device.state)}</span>`]);
    if (s.device.lastSeenAt) rows.push(['Last seen', escapeHtml(new Date(s.device.lastSeenAt).toUTCString())]);
  } else {
    rows.push(['Group token', `${s.token.uses} of ${s.token.maxUses} devices onboarded`]);
  }
  if (s.batch) rows.push(['Batch', escapeHtml(s.batch)]);
  if (s.site) rows.push(['Site', escapeHtml(s.site)]);
  rows.push(['Label', `${escapeHtml(s.key)} · ${escapeHtml(s.token.state)}`]);
  const dl = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
  return `<h1>${escapeHtml(s.device?.name ?? 'Group onboarding label')}</h1><dl>${dl}</dl>`;
}

function unknownKey(key: string): string {
  return `<h1>Unknown label</h1><p>No onboarding token has the key <code>${escapeHtml(key)}</code> on this station. Check that this label belongs to this site's station.</p>`;
}
