/**
 * Serves the live page: `npm run example:browser`, then open http://127.0.0.1:5173/.
 * `sinetstream` is this repository's source with its browser seams, as the package's browser
 * build would give an application.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { repoRoot, viteSeams } from '../../scripts/browser/seams.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [viteSeams],
  resolve: { alias: { sinetstream: `${repoRoot}/src/index.ts` } },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, fs: { allow: [repoRoot] } },
  build: { target: 'es2022' },
});
