import { Secret } from '../crypto/secret.js';
import { InvalidArgumentError } from '../errors.js';
import { readBytesFile } from '../platform/files.js';
import type { ParamDeclaration, ParamDeclarations, ParamType } from './parameters.js';
import type { Logger } from './types.js';

export type Role = 'reader' | 'writer' | 'both';

/** How `readParameters` reports and whose parameters it reads. */
export interface ReadParametersOptions {
  readonly role: Role;
  /** Starts every message, e.g. `service "sensors": `. */
  readonly where: string;
  /** What the parameters belong to, named in warnings (`mqtt`). */
  readonly type: string;
  /** Where the parameters sit, e.g. `tls.` for the keys of the common `tls` block. */
  readonly prefix?: string;
  /**
   * Given, a value that cannot be used is told here and dropped instead of thrown, so that
   * a config check names every problem at once.
   */
  readonly report?: (problem: InvalidArgumentError) => void;
  readonly logger: Logger;
}

const DATA_SUFFIX = '_data';
const MISMATCH = Symbol('mismatch');

function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** Names a value's type without showing it: parameters may hold secrets. */
function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return isMapping(value) ? 'a mapping' : `a ${typeof value}`;
}

export function describeType(type: ParamType): string {
  if (typeof type === 'string') {
    return {
      string: 'a string',
      number: 'a number (0 or more)',
      integer: 'a whole number',
      boolean: 'true or false',
      bytes: 'a string or binary data',
      secret: 'a secret: a string or binary data',
      file: 'a file path',
      strings: 'a string or a list of strings',
      'string-map': 'a mapping of strings',
      mapping: 'a mapping',
      any: 'anything',
    }[type];
  }
  if ('oneOf' in type) return `one of ${type.oneOf.join(', ')}`;
  if ('block' in type) return `a mapping of ${Object.keys(type.block).join(', ')}`;
  if ('anyOf' in type) return type.anyOf.map(describeType).join(' or ');
  return JSON.stringify(type.literal);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known name nearest to a misspelt one, if it is near enough to be what was meant. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** The spellings a declared parameter may be given in, the preferred one first. */
function spellings(name: string, declaration: ParamDeclaration): string[] {
  const data = declaration.type === 'file' ? [`${name}${DATA_SUFFIX}`] : [];
  return [...data, name, ...(declaration.aliases ?? [])];
}

/** Every key of `declarations` (all spellings) mapped to the common option it twins. */
export function twinsOf(declarations: ParamDeclarations): Record<string, string> {
  const twins: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    if (declaration.twin === undefined) continue;
    for (const key of spellings(name, declaration)) twins[key] = declaration.twin;
  }
  return twins;
}

class BlockReader {
  constructor(private readonly options: ReadParametersOptions) {}

  #fail(path: string, message: string): never {
    throw new InvalidArgumentError(`${this.options.where}parameter ${path}: ${message}`);
  }

  async read(
    declarations: ParamDeclarations,
    values: Readonly<Record<string, unknown>>,
    prefix: string,
  ): Promise<Record<string, unknown>> {
    const result: Record<string, unknown> = {};
    const used = new Set<string>();
    const otherRole = new Set<string>();
    for (const [name, declaration] of Object.entries(declarations)) {
      const keys = spellings(name, declaration);
      for (const key of keys) used.add(key);
      const given = keys.find((key) => values[key] !== undefined && values[key] !== null);
      const { role } = this.options;
      if (declaration.role !== undefined && role !== 'both' && declaration.role !== role) {
        if (given !== undefined) otherRole.add(given);
        continue;
      }
      if (given === undefined) {
        if (declaration.default !== undefined) result[name] = declaration.default;
        continue;
      }
      if (declaration.unsupported !== undefined) {
        this.#warn(`parameter ${prefix}${given}: ${declaration.unsupported}; ignored`);
        continue;
      }
      const path = `${prefix}${given}`;
      const value = values[given];
      try {
        result[name] = given.endsWith(DATA_SUFFIX)
          ? this.#inline(value, path)
          : await this.#convert(declaration.type, value, path);
      } catch (error) {
        if (!(this.options.report && error instanceof InvalidArgumentError)) throw error;
        this.options.report(error);
      }
    }
    for (const key of Object.keys(values)) {
      if (used.has(key) || values[key] === undefined) continue;
      const near = closestName(key, used);
      this.#warn(
        `parameter ${prefix}${key} is not a ${this.options.type} parameter${near ? ` (did you mean ${prefix}${near}?)` : ''}; ignored`,
      );
    }
    return result;
  }

  #warn(message: string): void {
    this.options.logger.warn(`${this.options.where}${message}`);
  }

  #inline(value: unknown, path: string): Uint8Array {
    if (typeof value === 'string') return new TextEncoder().encode(value);
    if (value instanceof Uint8Array) return value;
    return this.#fail(path, `expected text or !!binary data, got ${typeOf(value)}`);
  }

  async #convert(type: ParamType, value: unknown, path: string): Promise<unknown> {
    const converted = await this.#tryConvert(type, value, path);
    if (converted !== MISMATCH) return converted;
    if (typeof type === 'object' && 'oneOf' in type && typeof value !== 'object') {
      return this.#fail(path, `"${String(value)}" is not one of ${type.oneOf.join(', ')}`);
    }
    return this.#fail(path, `expected ${describeType(type)}, got ${typeOf(value)}`);
  }

  async #tryConvert(type: ParamType, value: unknown, path: string): Promise<unknown> {
    if (typeof type === 'object') {
      if ('oneOf' in type) return oneOf(type.oneOf, value, type.ignoreCase === true);
      if ('literal' in type) return value === type.literal ? value : MISMATCH;
      if ('block' in type) {
        return isMapping(value) ? this.read(type.block, value, `${path}.`) : MISMATCH;
      }
      for (const option of type.anyOf) {
        const converted = await this.#tryConvert(option, value, path);
        if (converted !== MISMATCH) return converted;
      }
      return MISMATCH;
    }
    switch (type) {
      case 'string':
        return typeof value === 'string' ? value : MISMATCH;
      case 'number':
        return toNumber(value);
      case 'integer':
        return toInteger(value);
      case 'boolean':
        if (typeof value === 'boolean') return value;
        return value === 'true' ? true : value === 'false' ? false : MISMATCH;
      case 'bytes':
        return typeof value === 'string' || value instanceof Uint8Array
          ? this.#inline(value, path)
          : MISMATCH;
      case 'secret':
        return typeof value === 'string' || value instanceof Uint8Array
          ? new Secret(this.#inline(value, path))
          : MISMATCH;
      case 'file':
        return typeof value === 'string'
          ? readFileContent(value, path, this.options.where)
          : MISMATCH;
      case 'strings':
        if (typeof value === 'string') return value.split(/[,\s]+/).filter((s) => s !== '');
        return Array.isArray(value) && value.every((item) => typeof item === 'string')
          ? [...value]
          : MISMATCH;
      case 'string-map':
        return isMapping(value) && Object.values(value).every((item) => typeof item === 'string')
          ? { ...value }
          : MISMATCH;
      case 'mapping':
        return isMapping(value) ? value : MISMATCH;
      case 'any':
        return value;
    }
  }
}

function toNumber(value: unknown): number | typeof MISMATCH {
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : MISMATCH;
}

function toInteger(value: unknown): number | typeof MISMATCH {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return Number.isSafeInteger(number) ? (number as number) : MISMATCH;
}

function oneOf(
  allowed: readonly (string | number)[],
  value: unknown,
  ignoreCase: boolean,
): unknown {
  const same = (a: string | number) =>
    a === value ||
    (ignoreCase && typeof a === 'string' && typeof value === 'string'
      ? a.toLowerCase() === value.toLowerCase()
      : false);
  const found = allowed.find(same);
  return found === undefined ? MISMATCH : found;
}

async function readFileContent(path: string, key: string, where: string): Promise<Uint8Array> {
  try {
    return await readBytesFile(path);
  } catch (error) {
    throw new InvalidArgumentError(
      `${where}parameter ${key}: cannot read "${path}": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Checks `values` against a plugin's declarations and returns what the plugin receives:
 * canonical names, converted values, defaults applied, files read. A value of the wrong type
 * is an InvalidArgumentError naming the key (never the value); an unknown key is warned
 * about, with the nearest known name, and dropped; a key of the other role is dropped quietly.
 */
export function readParameters(
  declarations: ParamDeclarations,
  values: Readonly<Record<string, unknown>>,
  options: ReadParametersOptions,
): Promise<Record<string, unknown>> {
  return new BlockReader(options).read(declarations, values, options.prefix ?? '');
}
