/**
 * The browser size budget: what a page loads for an MQTT service with encryption, from
 * `import { MessageReader, MessageWriter } from 'sinetstream'` through the package's `browser`
 * export (dist/browser: run `npm run build` first), bundled as an application's bundler does
 * (code splitting), minified and gzipped: core, the MQTT plugin with MQTT.js, every crypto
 * mode, gzip. Bundling fails if a Node built-in is left. What loads only when a service asks
 * for it is reported apart: lz4, zstd (and its WebAssembly), the ndarray and image value types,
 * the YAML parser of loadConfigFromUrl. Exits 1 over the budget.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { repoRoot } from './seams.js';

const BUDGET_KB = 150;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

// An application's node_modules, holding this package as an installed dependency.
const app = mkdtempSync(join(tmpdir(), 'sinetstream-size-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(repoRoot, join(app, 'node_modules/sinetstream'));
// A file, not stdin: esbuild splits code only for entry points on disk.
mkdirSync(join(app, 'src'));
writeFileSync(
  join(app, 'src/main.js'),
  "export { MessageReader, MessageWriter } from 'sinetstream';\n",
);

const result = await esbuild.build({
  absWorkingDir: app,
  entryPoints: ['src/main.js'],
  outdir: 'out',
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'error',
});

const outputs = result.metafile.outputs;
const contents = new Map(result.outputFiles.map((file) => [file.path.slice(app.length + 1), file]));
const gzippedSize = (name: string) => gzipSync(contents.get(name)!.contents, { level: 9 }).length;
const holds = (name: string, input: string) =>
  Object.keys(outputs[name]!.inputs).some((path) => path.includes(input));

/** `start` and every chunk it imports statically, transitively. */
function staticClosure(start: string, into = new Set<string>()): Set<string> {
  if (into.has(start)) return into;
  into.add(start);
  for (const imported of outputs[start]!.imports) {
    if (imported.kind === 'import-statement' && outputs[imported.path]) {
      staticClosure(imported.path, into);
    }
  }
  return into;
}

const js = Object.keys(outputs).filter((name) => name.endsWith('.js'));
const entry = js.find((name) => outputs[name]!.entryPoint === 'src/main.js')!;
const mqttChunk = js.find((name) => holds(name, 'mqtt/dist/mqtt.esm.js'))!;
const loaded = staticClosure(mqttChunk, staticClosure(entry));
const total = [...loaded].reduce((sum, name) => sum + gzippedSize(name), 0);
const minified = [...loaded].reduce((sum, name) => sum + contents.get(name)!.contents.length, 0);

/** The chunks loaded on demand for `input`, less what is loaded anyway. */
function onDemand(input: string): number {
  const chunks = new Set<string>();
  for (const name of js.filter((n) => holds(n, input))) staticClosure(name, chunks);
  return [...chunks].filter((name) => !loaded.has(name)).reduce((s, n) => s + gzippedSize(n), 0);
}
const zstdWasm = readFileSync(join(repoRoot, 'node_modules/@bokuweb/zstd-wasm/dist/web/zstd.wasm'));

console.log(
  `browser bundle (core + MQTT + all crypto + gzip): ${kb(minified)} KB minified, ` +
    `${kb(total)} KB gzipped in ${loaded.size} files (budget ${BUDGET_KB} KB)`,
);
console.log(
  `loaded on demand, gzipped: lz4 ${kb(onDemand('lz4js'))} KB; zstd ${kb(onDemand('zstd-wasm'))} KB ` +
    `+ zstd.wasm ${kb(gzipSync(zstdWasm, { level: 9 }).length)} KB; ndarray ${kb(onDemand('/ndarray'))} KB; ` +
    `image ${kb(onDemand('/image'))} KB; YAML parser ${kb(onDemand('node_modules/yaml/'))} KB`,
);
if (total > BUDGET_KB * 1024) {
  console.error(`browser bundle is over its budget of ${BUDGET_KB} KB gzipped`);
  process.exit(1);
}
