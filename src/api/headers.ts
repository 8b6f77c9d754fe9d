import { InvalidArgumentError, UnsupportedOperationError } from '../errors.js';
import type { BrokerPlugin, HeaderSupport, MessageHeaders, PluginContext } from '../spi/types.js';

/** A header's value: text, or bytes where the broker carries them. */
export type HeaderValue = string | Uint8Array;

/** Headers as a publish takes them: a record, a Map, or name/value pairs. */
export type HeadersInit =
  | Readonly<Record<string, HeaderValue>>
  | ReadonlyMap<string, HeaderValue>
  | Iterable<readonly [string, HeaderValue]>;

/** What a message without headers carries: one shared empty map, so none is made per message. */
export const NO_HEADERS: MessageHeaders = new Map();

/** A name and value of printable ASCII (S3 metadata travels as HTTP headers, which fold case). */
const ASCII_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const ASCII_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

export function headerSupportOf(plugin: BrokerPlugin, context: PluginContext): HeaderSupport {
  const declared = plugin.headers;
  if (declared === undefined) return { unsupported: `type "${plugin.type}" carries no headers` };
  return typeof declared === 'function' ? declared(context) : declared;
}

export function carriesHeaders(support: HeaderSupport): boolean {
  return typeof support === 'string';
}

function entriesOf(given: HeadersInit): Iterable<readonly [string, unknown]> {
  if (given instanceof Map) return given.entries();
  if (Symbol.iterator in given) return given as Iterable<readonly [string, unknown]>;
  return Object.entries(given);
}

/**
 * The headers of one publish, copied (the caller may change its object while the publish is
 * under way) and checked against what the broker carries; undefined when there are none.
 */
export function checkHeaders(
  given: HeadersInit,
  support: HeaderSupport,
  where: string,
): Map<string, HeaderValue> | undefined {
  const headers = new Map<string, HeaderValue>();
  for (const [name, value] of entriesOf(given)) {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError(`${where}: a header name must be a non-empty string`);
    }
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        `${where}: header "${name}": the value must be a string or a Uint8Array, not ${typeof value}`,
      );
    }
    headers.set(name, value);
  }
  if (headers.size === 0) return undefined;
  if (typeof support === 'object') {
    throw new UnsupportedOperationError(`${where}: cannot send headers: ${support.unsupported}`);
  }
  if (support === 'binary') return headers;
  for (const [name, value] of headers) {
    if (typeof value !== 'string') {
      throw new UnsupportedOperationError(
        `${where}: header "${name}": this broker carries text header values only, not bytes`,
      );
    }
    if (support === 'ascii' && !(ASCII_NAME.test(name) && ASCII_VALUE.test(value))) {
      throw new UnsupportedOperationError(
        `${where}: header "${name}": this broker carries headers of printable ASCII only ` +
          '(names of a-z, 0-9, ".", "_", "-"; values without leading or trailing spaces)',
      );
    }
  }
  return headers;
}

const utf8 = new TextDecoder();

/** A header value as text: bytes (Kafka headers have no type) are read as UTF-8. */
export function headerText(value: HeaderValue | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : utf8.decode(value);
}
