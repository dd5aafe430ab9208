/**
 * The analyst console's build: Vite bundles `index.html` and its modules into `dist/console/`
 * (git-ignored), served by the local gateway at `/console/` and, in AWS, from the console's
 * bucket behind CloudFront. JSX is Preact's automatic runtime, compiled by Vite's own Oxc
 * transform (https://vite.dev/config/shared-options#oxc), so no framework plugin is needed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CONSOLE_DIR } from '../shared/console.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: CONSOLE_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // No inline script or style: the Content-Security-Policy allows the console's own files only.
    assetsInlineLimit: 0,
  },
});
