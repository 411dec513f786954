// The error-correction tables inside qrcode 1.5 (lib/core), which its public API does not export; qr-symbol.ts
// builds symbols from them so its codewords are the ones qrcode's createCodewords would make.
declare module 'qrcode/lib/core/error-correction-code.js' {
  const ECCode: {
    getBlocksCount(version: number, level: { bit: number }): number;
    getTotalCodewordsCount(version: number, level: { bit: number }): number;
  };
  export default ECCode;
}

declare module 'qrcode/lib/core/error-correction-level.js' {
  const ECLevel: Record<'L' | 'M' | 'Q' | 'H', { bit: number }>;
  export default ECLevel;
}
