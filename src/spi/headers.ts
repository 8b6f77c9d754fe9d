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
  const headers = new Map<string, string | Uint8Array>();
  for (const [name, value] of Object.entries(table)) {
    if (typeof value === 'string' || value instanceof Uint8Array) headers.set(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      headers.set(name, String(value));
  }
  return headers.size > 0 ? headers : undefined;
}
