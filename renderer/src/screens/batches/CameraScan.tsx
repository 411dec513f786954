import { useEffect, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Icon } from '../../components/Icon.tsx';

/** The browser's own QR reader (Chromium on Android, macOS, ChromeOS); absent from TypeScript's DOM library. */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
};

/** Reads QR codes from video frames: BarcodeDetector where the browser has one for QR, else jsQR on canvas pixels. */
async function createReader(): Promise<(video: HTMLVideoElement) => Promise<string | null>> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (Detector && (await Detector.getSupportedFormats().catch((): string[] => [])).includes('qr_code')) {
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return async (video) => {
    // 640 px across is plenty for a label held in front of the camera, and keeps each frame's decode short.
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(data, canvas.width, canvas.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

/** True once the browser lists a camera (a tablet's, a laptop's webcam); false where there is none or no API. */
export function useHasCamera(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices || !media.getUserMedia) return;
    let live = true;
    const check = () =>
      media.enumerateDevices().then(
        (devices) => live && setHas(devices.some((d) => d.kind === 'videoinput')),
        () => {},
      );
    void check();
    media.addEventListener?.('devicechange', check);
    return () => {
      live = false;
      media.removeEventListener?.('devicechange', check);
    };
  }, []);
  return has;
}

// The same label stays in view after it was read: it counts again only after this long out of sight.
const sameCodeQuietMs = 2000;

/**
 * The camera as a scanner: the video on screen, each QR code read handed to `onCode` as a USB scanner's would be.
 * Stays open for the next label; the camera is released when closed (or when the scanner leaves the screen).
 */
export function CameraScan({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const intl = useIntl();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const deliver = useRef(onCode);
  deliver.current = onCode;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let frame = 0;
    const last = { code: '', seenAt: 0 };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return;
        const el = video.current!;
        el.srcObject = stream;
        await el.play();
        const read = await createReader();
        if (stopped) return;
        setReading(true);
        const tick = async () => {
          if (stopped) return;
          if (el.readyState >= el.HAVE_CURRENT_DATA && el.videoWidth > 0) {
            const code = await read(el).catch(() => null);
            const now = performance.now();
            if (code && !stopped) {
              if (code !== last.code || now - last.seenAt > sameCodeQuietMs) deliver.current(code);
              last.code = code;
              last.seenAt = now;
            }
          }
          if (!stopped) frame = requestAnimationFrame(() => void tick());
        };
        frame = requestAnimationFrame(() => void tick());
      } catch (err) {
        if (!stopped) setError((err as Error).message || String(err));
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);

  return (
    <div className="camera-scan" data-camera={error ? 'failed' : reading ? 'reading' : 'starting'}>
      <video ref={video} muted playsInline aria-label={intl.formatMessage({ id: 'scanner.camera.view', defaultMessage: 'Camera view' })} />
      {error ? (
        <p className="field-error" role="alert">
          <Icon name="alert" size={14} />
          <FormattedMessage id="scanner.camera.failed" defaultMessage="The camera could not be started: {reason}" values={{ reason: error }} />
        </p>
      ) : (
        <p className="field-hint">
          <FormattedMessage
            id="scanner.camera.hint"
            defaultMessage="Hold a label's QR code in front of the camera; each code read is checked in like a USB scan."
          />
        </p>
      )}
      <div>
        <button type="button" className="btn" onClick={onClose}>
          <Icon name="close" />
          <FormattedMessage id="scanner.camera.close" defaultMessage="Close camera" />
        </button>
      </div>
    </div>
  );
}
