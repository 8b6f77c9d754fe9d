import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Every way a program might print the value, deep and hidden parts included. */
export function printed(value: unknown): string {
  const views = [
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
    inspect(value),
    String(value),
  ];
  try {
    views.push(JSON.stringify(value) ?? '');
  } catch (error) {
    views.push(String(error));
  }
  if (value instanceof Error) {
    for (let cause: unknown = value; cause instanceof Error; cause = cause.cause) {
      views.push(cause.message, cause.stack ?? '');
    }
  }
  return views.join('\n');
}

/** Prototypes whose members are the language's, not the objects'. */
const BUILTIN_PROTOTYPES = new Set<unknown>([
  Object.prototype,
  Function.prototype,
  Array.prototype,
  Error.prototype,
  Promise.prototype,
  Map.prototype,
  Set.prototype,
  Uint8Array.prototype,
  Buffer.prototype,
  Object.getPrototypeOf(Uint8Array.prototype),
]);

/** Walks at most this many objects from one root: plenty for our objects and a message's raw. */
const MAX_OBJECTS = 50_000;

/**
 * Every string and byte string a program can reach from `root` through properties (own and
 * inherited accessors, enumerable or not, symbols too), Map and Set entries, and causes,
 * with the path that reaches it.
 */
export function* reachable(root: unknown): Generator<{ path: string; value: string | Uint8Array }> {
  const seen = new Set<unknown>();
  const stack: { path: string; value: unknown }[] = [{ path: '', value: root }];
  while (stack.length > 0 && seen.size < MAX_OBJECTS) {
    const { path, value } = stack.pop()!;
    if (typeof value === 'string') {
      yield { path, value };
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Uint8Array) {
      yield { path, value };
      continue;
    }
    if (value instanceof Map) {
      for (const [key, entry] of value) {
        stack.push(
          { path: `${path}<key>`, value: key },
          { path: `${path}.get(${String(key)})`, value: entry },
        );
      }
    }
    if (value instanceof Set)
      for (const entry of value) stack.push({ path: `${path}<entry>`, value: entry });
    for (
      let holder: object | null = value;
      holder !== null && !BUILTIN_PROTOTYPES.has(holder);
      holder = Object.getPrototypeOf(holder)
    ) {
      for (const key of Reflect.ownKeys(holder)) {
        const descriptor = Object.getOwnPropertyDescriptor(holder, key)!;
        const where = `${path}.${String(key)}`;
        if ('value' in descriptor) {
          if (holder === value) stack.push({ path: where, value: descriptor.value });
        } else if (descriptor.get) {
          try {
            stack.push({ path: where, value: descriptor.get.call(value) });
          } catch {
            // A getter that throws shows nothing.
          }
        }
      }
    }
  }
}

/** Fails naming each secret found in `value`, printed or reached, and where it was. */
export function expectNoSecret(value: unknown, secrets: readonly string[], what = 'value'): void {
  const text = printed(value);
  const found: string[] = [];
  for (const secret of secrets) if (text.includes(secret)) found.push(`${secret} printed`);
  for (const { path, value: leaf } of reachable(value)) {
    for (const secret of secrets) {
      const shown =
        typeof leaf === 'string'
          ? leaf.includes(secret)
          : Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength).includes(secret);
      if (shown) found.push(`${secret} at ${what}${path}`);
    }
  }
  expect(found, `secrets reachable from ${what}`).toEqual([]);
}
