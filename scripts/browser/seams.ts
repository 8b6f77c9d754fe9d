/**
 * The browser seams: a module `X.ts` in src/ that has a sibling `X.browser.ts` is replaced by
 * that sibling in every browser build (the published bundle, the size budget, the browser
 * tests, the live page). A browser module may import its own Node twin for what is neutral.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const srcRoot = join(repoRoot, 'src');

/** The browser twin of the module `importer` imports as `specifier`, if it has one. */
export function browserTwin(specifier: string, importer: string | undefined): string | undefined {
  if (!importer || !specifier.startsWith('.') || !specifier.endsWith('.js')) return undefined;
  const target = resolve(dirname(importer), specifier).replace(/\.js$/, '');
  if (!target.startsWith(srcRoot)) return undefined;
  const twin = `${target}.browser.ts`;
  if (twin === importer || !existsSync(twin)) return undefined;
  return twin;
}

/** The seams as an esbuild plugin. */
export const esbuildSeams = {
  name: 'sinetstream-browser-seams',
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: { path: string; importer: string }) => { path: string } | undefined,
    ): void;
  }) {
    build.onResolve({ filter: /^\./ }, (args) => {
      const twin = browserTwin(args.path, args.importer);
      return twin ? { path: twin } : undefined;
    });
  },
};

/** The seams as a Vite plugin (vitest's browser mode, the live page's dev server). */
export const viteSeams = {
  name: 'sinetstream-browser-seams',
  enforce: 'pre' as const,
  resolveId(source: string, importer: string | undefined) {
    return browserTwin(source, importer?.split('?')[0]) ?? null;
  },
};
