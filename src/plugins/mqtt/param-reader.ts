import type { Logger } from '../../spi/types.js';

type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** Names a value's type without showing the value: parameters may hold secrets. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return isMapping(value) ? 'a mapping' : `a ${typeof value}`;
}

/**
 * Typed access to MQTT parameters. A value of the wrong type is reported once through the
 * logger and then treated as absent, as SINETStream does for every parameter.
 */
export class ParamReader {
  constructor(
    private readonly params: Readonly<Mapping>,
    private readonly logger: Logger,
    private readonly where: string,
    private readonly prefix = '',
  ) {}

  /** The first of `names` that is present (config v3 spelling first, then the `_set` one). */
  #find(names: readonly string[]): [string, unknown] | undefined {
    for (const name of names) {
      const value = this.params[name];
      if (value !== undefined && value !== null) return [name, value];
    }
    return undefined;
  }

  #typed<T>(
    names: readonly string[],
    expected: string,
    check: (v: unknown) => boolean,
  ): T | undefined {
    const found = this.#find(names);
    if (!found) return undefined;
    const [name, value] = found;
    if (check(value)) return value as T;
    this.logger.warn(
      `${this.where}${this.prefix}${name}: expected ${expected}, got ${typeOf(value)}; ignored`,
    );
    return undefined;
  }

  has(...names: string[]): boolean {
    return this.#find(names) !== undefined;
  }

  /** The key actually used among `names`, for error messages. */
  keyOf(...names: string[]): string {
    return `${this.prefix}${this.#find(names)?.[0] ?? names[0]}`;
  }

  string(...names: string[]): string | undefined {
    return this.#typed(names, 'a string', (v) => typeof v === 'string');
  }

  /** A string, or bytes (`!!binary`) read as UTF-8: credentials may come either way. */
  text(...names: string[]): string | undefined {
    const value = this.#typed<string | Uint8Array>(
      names,
      'a string',
      (v) => typeof v === 'string' || v instanceof Uint8Array,
    );
    return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
  }

  bytes(...names: string[]): Uint8Array | undefined {
    const value = this.#typed<string | Uint8Array>(
      names,
      'a string or binary data',
      (v) => typeof v === 'string' || v instanceof Uint8Array,
    );
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }

  number(...names: string[]): number | undefined {
    return this.#typed(
      names,
      'a number',
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
    );
  }

  boolean(...names: string[]): boolean | undefined {
    return this.#typed(names, 'true or false', (v) => typeof v === 'boolean');
  }

  /** A nested block such as `tls` or `will`, read with the same rules. */
  mapping(...names: string[]): ParamReader | undefined {
    const found = this.#find(names);
    const value = this.#typed<Mapping>(names, 'a mapping', isMapping);
    if (!value || !found) return undefined;
    return new ParamReader(value, this.logger, this.where, `${this.prefix}${found[0]}.`);
  }

  /** A mapping of strings (headers, user properties); entries of another type are dropped. */
  stringMap(...names: string[]): Record<string, string> | undefined {
    const block = this.mapping(...names);
    if (!block) return undefined;
    const result: Record<string, string> = {};
    for (const key of Object.keys(block.params)) {
      const value = block.string(key);
      if (value !== undefined) result[key] = value;
    }
    return result;
  }

  /** The raw value, for parameters that accept several shapes. */
  raw(...names: string[]): unknown {
    return this.#find(names)?.[1];
  }

  warn(message: string): void {
    this.logger.warn(`${this.where}${message}`);
  }
}
