import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${root}../dist/renderer`,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
