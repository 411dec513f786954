import type { ReactNode } from 'react';
import { Icon } from '../../components/Icon.tsx';
import '../../styles/scan.css';

export interface Flash {
  tone: 'ok' | 'fail' | 'ask';
  title: ReactNode;
  detail?: ReactNode;
  /** Changes with every scan, so the banner's entrance runs again for a repeat of the same result. */
  key: number;
}

/**
 * What the last scan did, in a banner big enough to read from a ladder: colour, icon and words together (never
 * colour alone). Announced politely: a failure's reason comes with the scanner's error notice, which is the alert.
 */
export function ScanFlash({ flash }: { flash: Flash }) {
  const icon = flash.tone === 'ok' ? 'check' : 'alert';
  return (
    <div
      key={flash.key}
      className={`scan-flash is-${flash.tone}`}
      role="status"
      data-scan-flash={flash.tone}
    >
      <Icon name={icon} size={36} />
      <div className="scan-flash-text">
        <span className="scan-flash-title">{flash.title}</span>
        {flash.detail && <span className="scan-flash-detail">{flash.detail}</span>}
      </div>
    </div>
  );
}
