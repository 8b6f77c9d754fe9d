/**
 * The browser build (package.json exports "." → browser): src/ bundled as ESM with every
 * `.browser.ts` seam in place, dependencies left as imports for the application's bundler
 * (which picks mqtt's and zstd-wasm's own browser builds). Fails if a Node built-in is left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { esbuildSeams, repoRoot } from './seams.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

await esbuild.build({
  absWorkingDir: repoRoot,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist/browser',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)],
  plugins: [esbuildSeams],
  logLevel: 'warning',
});
console.log('browser build: dist/browser/index.js');
