import type { MessageHeaders } from './types.js';

/**
 * Headers from a broker's name/value table (AMQP headers, application properties): text and
 * bytes as they are, numbers and booleans other clients put there as text; nested tables,
 * lists and nulls are left out. Undefined when nothing is left.
 */
export function headersFromTable(
  table: Readonly<Record<string, unknown>> | undefined,
): MessageHeaders | undefined {
  if (!table) return undefined;
  // Made on the first header only: most messages come with an empty table, or none.
  let headers: Map<string, string | Uint8Array> | undefined;
  for (const name in table) {
    if (!Object.hasOwn(table, name)) continue;
    const value = table[name];
    if (typeof value === 'string' || value instanceof Uint8Array) {
      headers ??= new Map();
      headers.set(name, value);
    } else if (
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      typeof value === 'bigint'
    ) {
      headers ??= new Map();
      headers.set(name, String(value));
    }
  }
  return headers;
}
