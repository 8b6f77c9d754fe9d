import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UnsupportedServiceTypeError } from '../errors.js';
import type { PluginKind, PluginModule } from '../spi/registry.js';

/**
 * The `sinetstream` field of a plugin package's package.json: what it provides, the npm
 * counterpart of upstream's entry points (`sinetstream.reader`, `sinetstream.value_type`...).
 */
export interface PluginManifest {
  /** Service `type`s whose broker plugin the package exports. */
  readonly brokerTypes?: readonly string[];
  /** `value_type` names it exports. */
  readonly valueTypes?: readonly string[];
  /** `compression.algorithm` names it exports. */
  readonly compressions?: readonly string[];
  /** The module exporting them, relative to the package (default: its `main`, else index.js). */
  readonly module?: string;
}

interface InstalledPlugin {
  readonly name: string;
  readonly dir: string;
  readonly manifest: PluginManifest;
}

const FIELDS: Readonly<Record<PluginKind, keyof PluginManifest>> = {
  broker: 'brokerTypes',
  valueType: 'valueTypes',
  compression: 'compressions',
};

/** Per node_modules directory: the packages there that declare a `sinetstream` field. */
const scanned = new Map<string, Promise<InstalledPlugin[]>>();

/** `from`'s node_modules and every ancestor's, nearest first, as Node looks packages up. */
function nodeModulesDirs(from: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    dirs.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) return dirs;
  }
}

async function readManifest(dir: string): Promise<InstalledPlugin | undefined> {
  let json: { name?: unknown; main?: unknown; sinetstream?: unknown };
  try {
    json = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const field = json.sinetstream;
  if (field === null || typeof field !== 'object' || Array.isArray(field)) return undefined;
  const manifest = field as PluginManifest;
  const module = manifest.module ?? (typeof json.main === 'string' ? json.main : 'index.js');
  return { name: String(json.name ?? dir), dir, manifest: { ...manifest, module } };
}

async function packageDirs(nodeModules: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(nodeModules)).sort();
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (!name.startsWith('@')) dirs.push(join(nodeModules, name));
    else {
      const scoped = await readdir(join(nodeModules, name)).catch(() => [] as string[]);
      for (const inner of scoped.sort()) dirs.push(join(nodeModules, name, inner));
    }
  }
  return dirs;
}

function scan(nodeModules: string): Promise<InstalledPlugin[]> {
  let found = scanned.get(nodeModules);
  if (!found) {
    found = packageDirs(nodeModules).then(async (dirs) => {
      const manifests = await Promise.all(dirs.map(readManifest));
      return manifests.filter((m): m is InstalledPlugin => m !== undefined);
    });
    scanned.set(nodeModules, found);
  }
  return found;
}

/**
 * The module of the nearest installed package (from the working directory up, first by
 * name within a directory) whose package.json declares `name` for `kind`; undefined when
 * none does. Each node_modules directory is read once per process.
 */
export async function findInstalledPlugin(
  kind: PluginKind,
  name: string,
  from = process.cwd(),
): Promise<{ module: PluginModule; from: string } | undefined> {
  for (const nodeModules of nodeModulesDirs(from)) {
    const provider = (await scan(nodeModules)).find((plugin) => {
      const names = plugin.manifest[FIELDS[kind]];
      return Array.isArray(names) && names.includes(name);
    });
    if (!provider) continue;
    const path = join(provider.dir, provider.manifest.module!);
    try {
      return {
        module: (await import(pathToFileURL(path).href)) as PluginModule,
        from: provider.name,
      };
    } catch (error) {
      throw new UnsupportedServiceTypeError(
        `plugin package ${provider.name} (${provider.dir}) declares ${FIELDS[kind]} "${name}", and its module ${path} cannot be imported`,
        { cause: error },
      );
    }
  }
  return undefined;
}
