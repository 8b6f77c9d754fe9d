import { InvalidArgumentError } from '../../errors.js';
import type { BackoffSettings } from '../../spi/backoff.js';
import type { PluginContext } from '../../spi/types.js';

/**
 * Reads `type_spec` keys the way SINETStream reads config values: a value of the wrong type
 * is warned about and ignored (the default applies); a value of the right type that means
 * nothing (an unknown exchange type...) is an InvalidArgumentError. Shared by both AMQP
 * plugins.
 */
export class Params {
  constructor(private readonly context: PluginContext) {}

  #get<T>(key: string, ok: (v: unknown) => boolean, expected: string): T | undefined {
    const value = this.context.params[key];
    if (value === undefined || value === null) return undefined;
    if (ok(value)) return value as T;
    this.context.logger.warn(
      `${this.context.service}: type_spec.${key} should be ${expected}; ignored`,
    );
    return undefined;
  }

  string(key: string): string | undefined {
    return this.#get<string>(key, (v) => typeof v === 'string', 'a string');
  }

  raw(key: string): unknown {
    return this.context.params[key];
  }

  boolean(key: string): boolean | undefined {
    return this.#get<boolean>(key, (v) => typeof v === 'boolean', 'true or false');
  }

  /** A non-negative number. */
  number(key: string): number | undefined {
    return this.#get<number>(
      key,
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      'a non-negative number',
    );
  }

  strings(key: string): string[] | undefined {
    const list = this.#get<string | string[]>(
      key,
      (v) => typeof v === 'string' || (Array.isArray(v) && v.every((i) => typeof i === 'string')),
      'a string or a list of strings',
    );
    if (list === undefined) return undefined;
    return (typeof list === 'string' ? list.split(/[,\s]+/) : list).filter((s) => s !== '');
  }

  mapping(key: string): Record<string, unknown> | undefined {
    return this.#get<Record<string, unknown>>(
      key,
      (v) => typeof v === 'object' && !Array.isArray(v),
      'a mapping',
    );
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(
        `${this.context.service}: type_spec.${key}: "${value}" is not one of ${allowed.join(', ')}`,
      );
    }
    return value as T;
  }
}

/**
 * `reconnect: false` turns reconnection off; `reconnect: { initial_delay_ms, max_delay_ms }`
 * tunes the exponential backoff (default 100 ms doubling up to 10 s).
 */
export function reconnectSettings(params: Params): BackoffSettings | undefined {
  const value = params.raw('reconnect');
  if (value === false) return undefined;
  const block =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const ms = (key: string, fallback: number) => {
    const value = block[key];
    return typeof value === 'number' && value >= 0 ? value : fallback;
  };
  const initialDelayMs = ms('initial_delay_ms', 100);
  return { initialDelayMs, maxDelayMs: Math.max(initialDelayMs, ms('max_delay_ms', 10_000)) };
}
