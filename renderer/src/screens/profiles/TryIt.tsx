import { FormattedMessage, useIntl } from 'react-intl';
import type { Profile } from '../../../../shared/profiles.ts';
import { useStation } from '../../app/station.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';

/** The request a device sends with this profile, ready to paste into a terminal to test the setup. */
export function TryIt({ profile }: { profile: Profile }) {
  const { status } = useStation();
  const intl = useIntl();
  const http = status?.listeners.find((l) => l.name === 'http');
  if (!http || profile.strategy === 'disabled') return null;
  let url: string;
  try {
    const base = new URL(http.url);
    // From this computer the wildcard address is reached as 127.0.0.1.
    if (base.hostname === '0.0.0.0' || base.hostname === '[::]') base.hostname = '127.0.0.1';
    url = new URL('/api/v1/provision', base).href;
  } catch {
    return null;
  }
  const body = JSON.stringify({
    deviceName: profile.strategy === 'allow-create' ? 'test-device-1' : 'NAME-OF-AN-ADDED-DEVICE',
    provisionDeviceKey: profile.provisionDeviceKey,
    provisionDeviceSecret: profile.provisionDeviceSecret,
  });
  const command = `curl -s -X POST ${url} -H 'content-type: application/json' -d '${body.replace(/'/g, "'\\''")}'`;
  return (
    <section className="try-it" aria-labelledby={`try-${profile.id}`}>
      <h3 id={`try-${profile.id}`}><FormattedMessage id="profiles.tryIt" defaultMessage="Try it from this computer" /></h3>
      <p className="field-hint"><FormattedMessage id="profiles.tryItHint" defaultMessage="This is the request a device sends. The attempt shows in the Server screen’s live feed." /></p>
      <div className="copy-field code-block">
        <code>{command}</code>
        <CopyButton value={command} what={intl.formatMessage({ id: 'profiles.testCommand', defaultMessage: 'test command' })} />
      </div>
    </section>
  );
}
