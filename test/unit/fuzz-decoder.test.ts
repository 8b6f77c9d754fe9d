import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AES_MODES, MODE_SPECS } from '../../src/crypto/modes.js';
import {
  createMessageDecoder,
  createMessageEncoder,
  type MessageDecoder,
  type MessageEncoder,
} from '../../src/index.js';
import {
  errorOutcome,
  FUZZ_TEST_TIMEOUT_MS,
  fuzzRuns,
  type Mutation,
  mutate,
  mutationArbitrary,
  sameBytes,
  Tally,
} from '../support/fuzz.js';

/** One codec setting: a crypto mode (or none) x compression x message format. */
interface Setting {
  readonly name: string;
  /** Whether a changed message can only fail (AEAD): decoding must never give another value. */
  readonly authenticated: boolean;
  /** False for user_data_only, whose messages are the bare value. */
  readonly carriesTimestamp: boolean;
  readonly options: Record<string, unknown>;
}

function settings(): Setting[] {
  const cryptos: { name: string; authenticated: boolean; crypto?: Record<string, unknown> }[] = [
    { name: 'plain', authenticated: false },
  ];
  for (const mode of AES_MODES) {
    for (const padding of mode === 'CBC' ? ['pkcs7'] : ['none', 'pkcs7']) {
      cryptos.push({
        name: `${mode}/${padding}`,
        // Modes with a tag (GCM, EAX...) authenticate the whole message.
        authenticated: MODE_SPECS[mode].tagLength > 0,
        crypto: {
          algorithm: 'AES',
          mode,
          padding,
          key_length: 256,
          password: 'fuzz-password',
          key_derivation: { iteration: 1000 },
        },
      });
    }
  }
  cryptos.push({
    name: 'GCM/two key versions',
    authenticated: true,
    crypto: {
      algorithm: 'AES',
      mode: 'GCM',
      _keys: { 1: 'fuzz-old-password', 2: 'fuzz-new-password' },
      key_derivation: { iteration: 1000 },
    },
  });
  const all: Setting[] = [];
  for (const { name, authenticated, crypto } of cryptos) {
    for (const compression of ['none', 'gzip', 'zstd', 'lz4']) {
      for (const messageFormat of [2, 3] as const) {
        all.push({
          name: `${name} ${compression} v${messageFormat}`,
          authenticated,
          carriesTimestamp: true,
          options: {
            noConfig: true,
            messageFormat,
            ...(crypto ? { dataEncryption: true, crypto } : {}),
            ...(compression === 'none'
              ? {}
              : { dataCompression: true, compression: { algorithm: compression } }),
          },
        });
      }
    }
  }
  all.push({
    name: 'user_data_only',
    authenticated: false,
    carriesTimestamp: false,
    options: { noConfig: true, userDataOnly: true },
  });
  return all;
}

type Input =
  | { readonly source: 'valid'; readonly value: Uint8Array; readonly timestamp: number }
  | {
      readonly source: 'mutated';
      readonly value: Uint8Array;
      readonly timestamp: number;
      readonly mutations: readonly Mutation[];
    }
  | { readonly source: 'random'; readonly bytes: Uint8Array }
  | { readonly source: 'random v3'; readonly keyVersion: number; readonly bytes: Uint8Array };

/** Values of every size class, compressible ones (long runs) included. */
const valueArbitrary = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 5000 }))
    .map(([byte, length]) => new Uint8Array(length).fill(byte)),
);
/** Seconds since the epoch with microseconds, as a writer stamps them. */
const timestampArbitrary = fc.integer({ min: 0, max: 4_000_000_000_000_000 }).map((us) => us / 1e6);

const inputArbitrary: fc.Arbitrary<Input> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      source: fc.constant('valid'),
      value: valueArbitrary,
      timestamp: timestampArbitrary,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      source: fc.constant('mutated'),
      value: valueArbitrary,
      timestamp: timestampArbitrary,
      mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      source: fc.constant('random'),
      bytes: fc.uint8Array({ maxLength: 400 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      source: fc.constant('random v3'),
      keyVersion: fc.integer({ min: 0, max: 0xffff }),
      bytes: fc.uint8Array({ maxLength: 400 }),
    }),
  },
) as fc.Arbitrary<Input>;

const SETTINGS = settings();
const codecs: { encoder: MessageEncoder; decoder: MessageDecoder }[] = [];

beforeAll(async () => {
  for (const { options } of SETTINGS) {
    codecs.push({
      encoder: await createMessageEncoder(options),
      decoder: await createMessageDecoder(options),
    });
  }
});

/** The bytes the input stands for, and the value and timestamp they were made from, if any. */
function messageOf(input: Input, encoder: MessageEncoder) {
  switch (input.source) {
    case 'valid':
    case 'mutated': {
      const valid = encoder.encode(input.value, { timestamp: input.timestamp });
      const bytes = input.source === 'valid' ? valid : mutate(valid, input.mutations);
      return { bytes, original: { value: input.value, timestamp: input.timestamp } };
    }
    case 'random':
      return { bytes: input.bytes };
    case 'random v3':
      return {
        bytes: Uint8Array.from([
          0xdf,
          0x03,
          0,
          0,
          input.keyVersion >> 8,
          input.keyVersion & 0xff,
          ...input.bytes,
        ]),
      };
  }
}

describe('fuzzing the decoder: every crypto mode x compression x message format', () => {
  it(
    `valid, mutated and random messages decode to their value or give InvalidMessageError (${SETTINGS.length} settings)`,
    async () => {
      const tally = new Tally();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: SETTINGS.length - 1 }),
          inputArbitrary,
          async (index, input) => {
            const setting = SETTINGS[index]!;
            const { encoder, decoder } = codecs[index]!;
            const { bytes, original } = messageOf(input, encoder);
            let outcome: string;
            try {
              const decoded = await decoder.decode(bytes);
              outcome =
                original &&
                sameBytes(decoded.value, original.value) &&
                decoded.timestampUs ===
                  (setting.carriesTimestamp ? Math.round(original.timestamp * 1e6) : 0)
                  ? 'original'
                  : 'another value';
            } catch (error) {
              outcome = errorOutcome(error);
            }
            tally.add(`${input.source}: ${outcome}`);
            if (input.source === 'valid') expect(outcome).toBe('original');
            else if (setting.authenticated) expect(outcome).not.toBe('another value');
            if (outcome !== 'original' && outcome !== 'another value') {
              expect(outcome, setting.name).toBe('InvalidMessageError');
            }
          },
        ),
        { numRuns: fuzzRuns(1000), timeout: 10_000 },
      );
      console.log(
        `decoder fuzz: ${tally.total} inputs over ${SETTINGS.length} settings in ${Math.round(performance.now() - started)} ms; ${tally}`,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
