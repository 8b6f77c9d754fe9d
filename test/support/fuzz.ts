import fc from 'fast-check';
import { SinetError } from '../../src/index.js';

/**
 * How many inputs each fuzz property tries: a few seconds' worth by default, so it runs in
 * every `npm run test:unit`; `FUZZ_RUNS=1000000` for a long run.
 */
export function fuzzRuns(fallback: number): number {
  const given = process.env.FUZZ_RUNS;
  if (given === undefined || given === '') return fallback;
  const runs = Number(given);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS=${given}: not a count`);
  return runs;
}

/** The time a fuzz test may take: vitest's default, or a day when FUZZ_RUNS asks for more. */
export const FUZZ_TEST_TIMEOUT_MS = process.env.FUZZ_RUNS ? 24 * 60 * 60 * 1000 : 60_000;

/** Outcome counts, printed after a run so a long run shows what it covered. */
export class Tally {
  readonly #counts = new Map<string, number>();
  add(outcome: string): void {
    this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + 1);
  }
  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }
  toString(): string {
    return [...this.#counts]
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, count]) => `${outcome}: ${count}`)
      .join(', ');
  }
}

/**
 * The class of what a call threw: the error's name when it is a SinetError subclass, or
 * `NOT A NAMED SinetError (<name>: <message>)` for anything else, which the fuzz tests refuse.
 */
export function errorOutcome(error: unknown): string {
  if (error instanceof SinetError && error.constructor !== SinetError) return error.name;
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `NOT A NAMED SinetError (${described})`;
}

/** One change to a byte string; positions are taken modulo its length. */
export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'extend'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'splice';
      readonly at: number;
      readonly remove: number;
      readonly insert: Uint8Array;
    };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend'), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('splice'),
    at: fc.nat(),
    remove: fc.nat({ max: 20 }),
    insert: fc.uint8Array({ maxLength: 20 }),
  }),
) as fc.Arbitrary<Mutation>;

/** `bytes` changed by each mutation in turn (a new array; `bytes` is left alone). */
export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const mutation of mutations) {
    const at = out.length === 0 ? 0 : ('at' in mutation ? mutation.at : 0) % out.length;
    switch (mutation.kind) {
      case 'flip':
        if (out.length > 0) out[at]! ^= 1 << mutation.bit;
        break;
      case 'set':
        if (out.length > 0) out[at] = mutation.byte;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'extend':
        out = Uint8Array.from([...out, ...mutation.bytes]);
        break;
      case 'splice':
        out = Uint8Array.from([
          ...out.subarray(0, at),
          ...mutation.insert,
          ...out.subarray(at + mutation.remove),
        ]);
        break;
    }
  }
  return out;
}

/** Whether two byte strings hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b)) === 0;
}
