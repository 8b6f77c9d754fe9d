/**
 * The browser size budget: core + the MQTT plugin + every crypto mode + gzip/lz4 (and the
 * zstd plugin's own code), as an application's bundler gets them from `import ... from
 * 'sinetstream'` (the package's `browser` export, dist/browser: run `npm run build` first),
 * minified and gzipped. Bundling fails if a Node built-in is left. Loaded on demand and
 * reported apart: the YAML parser (only for a fetched config) and zstd-wasm (only when a
 * service uses zstd). Exits 1 over the budget.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { repoRoot } from './seams.js';

const BUDGET_KB = 150;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const gzipped = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;

// An application's node_modules, holding this package as an installed dependency.
const app = mkdtempSync(join(tmpdir(), 'sinetstream-size-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(repoRoot, join(app, 'node_modules/sinetstream'));

async function bundle(contents: string, external: string[], resolveDir = app): Promise<Uint8Array> {
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.contents;
}

// Without code splitting, the plugins' dynamic imports (MQTT, lz4, zstd) land in this one file.
const core = await bundle("export { MessageReader, MessageWriter } from 'sinetstream';", [
  'yaml',
  '@bokuweb/zstd-wasm',
]);
const yaml = await bundle("export * from 'yaml';", [], repoRoot);
const zstdGlue = await bundle("export * from '@bokuweb/zstd-wasm';", [], repoRoot);
const zstdWasm = readFileSync(join(repoRoot, 'node_modules/@bokuweb/zstd-wasm/dist/web/zstd.wasm'));

const coreGzipped = gzipped(core);
console.log(
  `browser bundle (core + MQTT + all crypto + gzip/lz4): ${kb(core.length)} KB minified, ` +
    `${kb(coreGzipped)} KB gzipped (budget ${BUDGET_KB} KB)`,
);
console.log(
  `loaded on demand: YAML parser ${kb(gzipped(yaml))} KB gzipped; zstd-wasm ` +
    `${kb(gzipped(zstdGlue))} KB + zstd.wasm ${kb(gzipped(zstdWasm))} KB gzipped`,
);
if (coreGzipped > BUDGET_KB * 1024) {
  console.error(`browser bundle is over its budget of ${BUDGET_KB} KB gzipped`);
  process.exit(1);
}
