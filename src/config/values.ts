import { InvalidArgumentError } from '../errors.js';
import type { Consistency } from '../spi/types.js';

export const CONSISTENCIES: readonly Consistency[] = [
  'AT_MOST_ONCE',
  'AT_LEAST_ONCE',
  'EXACTLY_ONCE',
];

export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** Keys that would reach or replace an object's prototype if a merge assigned them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Far deeper than any config; a bound keeps a crafted nesting from exhausting the stack. */
const MAX_DEPTH = 64;

/**
 * Checks that a config tree (parsed YAML, or objects given in code) is a tree: no value
 * contains itself (a recursive YAML alias, an inline object cycle), nesting stays under 64
 * levels, and no key could reach a prototype once merged. `fail` makes the error naming
 * where the problem is, as `path.to.key`.
 */
export function checkConfigTree(
  value: unknown,
  path: string,
  fail: (path: string, problem: string) => Error,
): void {
  const ancestors = new Set<object>();
  const walk = (node: unknown, at: string, depth: number): void => {
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
    if (ancestors.has(node)) throw fail(at, 'contains itself (a recursive alias or a cycle)');
    if (depth > MAX_DEPTH) throw fail(at, `is nested more than ${MAX_DEPTH} levels deep`);
    ancestors.add(node);
    const entries = node instanceof Map ? [...node] : Object.entries(node);
    for (const [key, item] of entries) {
      const name = String(key);
      const inner = at === '' ? name : `${at}.${name}`;
      if (PROTOTYPE_KEYS.has(name)) throw fail(inner, 'is not allowed as a key');
      walk(item, inner, depth + 1);
    }
    ancestors.delete(node);
  };
  walk(value, path, 0);
}

/** `AT_LEAST_ONCE`, `at_least_once` or 1 -> `AT_LEAST_ONCE`. */
export function toConsistency(value: unknown, where: string): Consistency {
  if (typeof value === 'number' && CONSISTENCIES[value] !== undefined) return CONSISTENCIES[value]!;
  if (typeof value === 'string') {
    const upper = value.toUpperCase() as Consistency;
    if (CONSISTENCIES.includes(upper)) return upper;
  }
  throw new InvalidArgumentError(
    `${where}consistency: ${JSON.stringify(value)} is not AT_MOST_ONCE, AT_LEAST_ONCE or EXACTLY_ONCE`,
  );
}

/** A list given as a YAML list or as one comma-separated string. */
export function toList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isStringOrList: Check = (v) =>
  typeof v === 'string' || (Array.isArray(v) && v.every((item) => typeof item === 'string'));
const isBoolean: Check = (v) => typeof v === 'boolean';
const isTimeout: Check = (v) => (typeof v === 'number' && v >= 0) || v === null || v === 'inf';

/** What each SINETStream key must be; a value that fails is warned about and ignored. */
export const COMMON_KEY_CHECKS: Readonly<Record<string, { check: Check; expected: string }>> = {
  type: { check: isString, expected: 'a string' },
  brokers: { check: isStringOrList, expected: 'a string or a list of strings' },
  topic: { check: isString, expected: 'a string' },
  topics: { check: isStringOrList, expected: 'a string or a list of strings' },
  client_id: { check: (v) => typeof v === 'string' || v === null, expected: 'a string' },
  consistency: {
    check: (v) => typeof v === 'string' || typeof v === 'number',
    expected: 'a name or 0, 1, 2',
  },
  value_type: {
    check: (v) =>
      typeof v === 'string' ||
      (isMapping(v) &&
        (v.name === undefined || typeof v.name === 'string') &&
        (v.args === undefined || v.args === null || isMapping(v.args))),
    expected: 'a name, or a mapping of name and args',
  },
  receive_timeout_ms: { check: isTimeout, expected: 'a number of milliseconds' },
  max_unacked_messages: {
    check: (v) => typeof v === 'number' && Number.isInteger(v) && v > 0,
    expected: 'a whole number above 0',
  },
  max_message_size: {
    check: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0,
    expected: 'a whole number of bytes above 0',
  },
  data_compression: { check: isBoolean, expected: 'true or false' },
  data_encryption: { check: isBoolean, expected: 'true or false' },
  user_data_only: { check: isBoolean, expected: 'true or false' },
  compression: { check: isMapping, expected: 'a mapping' },
  crypto: { check: isMapping, expected: 'a mapping' },
  tls: { check: (v) => isBoolean(v) || isMapping(v), expected: 'true, false or a mapping' },
  message_format: { check: (v) => v === 2 || v === 3, expected: '2 or 3' },
  plugin: { check: isStringOrList, expected: 'a module name or a list of them' },
};
