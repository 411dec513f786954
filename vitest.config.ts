import { readFile } from 'node:fs/promises';
import { defineConfig } from 'vitest/config';
import { pseudoLocale } from './scripts/pseudo-locale.mjs';

export default defineConfig({
  plugins: [
    // Renderer modules that read UI text (i18n/messages.ts) import the generated pseudo-locale, as in the build.
    pseudoLocale(),
    {
      // Migrations are .sql files; esbuild embeds them as text in the build, this does the same under vitest.
      name: 'sql-as-text',
      async load(id) {
        if (!id.endsWith('.sql')) return null;
        return `export default ${JSON.stringify(await readFile(id, 'utf8'))};`;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Every browser test fails on a console error or a failed request unless it allows that one (test/support/browser-problems.ts).
    setupFiles: ['test/support/e2e-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
