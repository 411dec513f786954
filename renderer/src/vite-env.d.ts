/// <reference types="vite/client" />

declare module 'virtual:pseudo-messages' {
  import type { MessageFormatElement } from 'react-intl';
  /** en-XA, generated at build time from the code's English (scripts/pseudo-locale.mjs). */
  const messages: Record<string, MessageFormatElement[]>;
  export default messages;
}
