/**
 * The interop matrix: every setting SINETStream 1.10 offers for the message body, crossed
 * with value types, sizes and timestamps. Each case is one message in one direction.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from '../../src/envelope/avro-record.js';

/** Service parameters as the config file spells them (bytes as Uint8Array). */
export type Params = Record<string, unknown>;

export interface Case {
  readonly name: string;
  /** The writer's parameters. */
  readonly params: Params;
  /** The reader's: the writer's, except where a case is about a difference (key rotation). */
  readonly readerParams: Params;
  readonly value: string | Uint8Array;
  readonly timestampUs: number;
}

const KEY_LENGTHS = [128, 192, 256] as const;
const MODES = ['CBC', 'CFB', 'OFB', 'CTR', 'OPENPGP', 'EAX', 'GCM'] as const;

/** Deterministic bytes, so a failing case can be reproduced. */
function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function key(bits: number, seed: number): Uint8Array {
  return pseudoRandom(bits / 8, seed);
}

/** 64 KiB that compresses, but not to nothing: text-like runs with random bytes between. */
const BIG_BYTES = (() => {
  const noise = pseudoRandom(65536, 7);
  const out = new Uint8Array(65536);
  for (let i = 0; i < out.length; i++) out[i] = i % 16 < 12 ? 0x61 + ((i >> 4) % 26) : noise[i]!;
  return out;
})();
const BIG_TEXT = 'SINETStream メッセージ 0123456789 '.repeat(2400).slice(0, 65536);

const VALUES: ReadonlyArray<readonly [string, string | Uint8Array]> = [
  ['bytes-empty', new Uint8Array(0)],
  ['bytes-1B', Uint8Array.of(0x42)],
  ['bytes-64KiB', BIG_BYTES],
  ['text-empty', ''],
  ['text-1B', 'a'],
  ['text-64KiB', BIG_TEXT],
];

/** Timestamps that survive the Python API's float seconds exactly; 0 means "none". */
const TIMESTAMPS = [1_700_000_000_123_456, 0, 1_234_567_890_250_000, 1];

// Few iterations keep ~100 key derivations cheap; the default (10000) has its own cases.
const FAST_KDF = { iteration: 1000 };

function encrypted(crypto: Params, extra: Params = {}): Params {
  return { data_encryption: true, crypto: { algorithm: 'AES', ...crypto }, ...extra };
}

/** The parameter sets, by name, with the reader's where it differs from the writer's. */
export function configurations(): Array<readonly [string, Params, Params?]> {
  const dir = mkdtempSync(join(tmpdir(), 'sinetstream-interop-'));
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, 'from a file\n');
  const configs: Array<readonly [string, Params, Params?]> = [
    ['plain v3', {}],
    ['plain v2', { message_format: 2 }],
    ['user_data_only', { user_data_only: true }],
  ];
  for (const mode of MODES) {
    for (const bits of KEY_LENGTHS) {
      for (const padding of mode === 'CBC' ? ['pkcs7'] : ['none', 'pkcs7']) {
        configs.push([
          `${mode}-${bits} ${padding} password`,
          encrypted({
            mode,
            key_length: bits,
            padding,
            password: 'secret-000',
            key_derivation: FAST_KDF,
          }),
        ]);
      }
    }
    configs.push([
      `${mode}-256 raw key`,
      encrypted({ mode, key_length: 256, padding: 'pkcs7', key: key(256, 1) }),
    ]);
  }
  for (const prf of ['HMAC-SHA256', 'HMAC-SHA384', 'HMAC-SHA512']) {
    configs.push([
      `GCM-256 ${prf} salt 16`,
      encrypted({
        mode: 'GCM',
        key_length: 256,
        password: 'pw',
        key_derivation: { prf, salt_bytes: 16, iteration: 2000 },
      }),
    ]);
  }
  configs.push(
    ['EAX-128 default kdf', encrypted({ mode: 'EAX', password: 'secret-000' })],
    [
      'OPENPGPCFB-192 pkcs7 password',
      encrypted({
        mode: 'OPENPGPCFB',
        key_length: 192,
        padding: 'pkcs7',
        password: 'pw',
        key_derivation: FAST_KDF,
      }),
    ],
    [
      'OPENPGP-128 key versions 1,2 v2',
      encrypted(
        { mode: 'OPENPGP', _keys: { 1: key(128, 11), 2: key(128, 12) } },
        { message_format: 2 },
      ),
    ],
    [
      'GCM-128 password {value} latin-1',
      encrypted({ mode: 'GCM', password: { value: 'pässwörd' }, key_derivation: FAST_KDF }),
    ],
    [
      'CTR-128 password {path}',
      encrypted({ mode: 'CTR', password: { path: passwordFile }, key_derivation: FAST_KDF }),
    ],
    ['GCM-128 key version 1', encrypted({ mode: 'GCM', _keys: { 1: key(128, 11) } })],
    [
      'GCM-128 key versions 1,2,7',
      encrypted({ mode: 'GCM', _keys: { 1: key(128, 11), 2: key(128, 12), 7: key(128, 17) } }),
    ],
    [
      'EAX-192 key versions 3,300 v2',
      encrypted(
        { mode: 'EAX', key_length: 192, _keys: { 3: key(192, 3), 300: key(192, 300) } },
        { message_format: 2 },
      ),
    ],
    // Key rotation: a reader holding the old and the new key reads writers of either.
    [
      'CTR-128 writer key version 1, reader 1 and 2',
      encrypted({ mode: 'CTR', _keys: { 1: key(128, 11) } }),
      encrypted({ mode: 'CTR', _keys: { 1: key(128, 11), 2: key(128, 12) } }),
    ],
    [
      'CTR-128 writer key version 2, reader 1 and 2',
      encrypted({ mode: 'CTR', _keys: { 2: key(128, 12) } }),
      encrypted({ mode: 'CTR', _keys: { 1: key(128, 11), 2: key(128, 12) } }),
    ],
    [
      'CBC-128 v2',
      encrypted(
        { mode: 'CBC', padding: 'pkcs7', password: 'pw', key_derivation: FAST_KDF },
        { message_format: 2 },
      ),
    ],
  );
  const compressions: Array<readonly [string, Params]> = [
    ['gzip default', { algorithm: 'gzip' }],
    ['gzip 1', { algorithm: 'gzip', level: 1 }],
    ['gzip 9', { algorithm: 'gzip', level: 9 }],
    ['zstd default', { algorithm: 'zstd' }],
    ['zstd 1', { algorithm: 'zstd', level: 1 }],
    ['zstd 19', { algorithm: 'zstd', level: 19 }],
    ['zstd no content size', { algorithm: 'zstd', zstd: { write_content_size: false } }],
    ['lz4 0', { algorithm: 'lz4', level: 0 }],
    ['lz4 9 (HC)', { algorithm: 'lz4', level: 9 }],
    [
      'lz4 checksums, no size',
      {
        algorithm: 'lz4',
        lz4: { content_checksum: true, block_checksum: true, store_size: false },
      },
    ],
    // The option blocks, as zlib, python-zstandard and python-lz4 take them.
    ['gzip 0 (stored)', { algorithm: 'gzip', level: 0 }],
    ['gzip -1', { algorithm: 'gzip', level: -1 }],
    ['gzip wbits 31 (gzip file)', { algorithm: 'gzip', gzip: { wbits: 31 } }],
    ['gzip wbits -15 (raw)', { algorithm: 'gzip', gzip: { wbits: -15 } }],
    ['gzip wbits 9', { algorithm: 'gzip', gzip: { wbits: 9 } }],
    [
      'gzip memLevel 9 strategy 1',
      { algorithm: 'gzip', gzip: { memLevel: 9, strategy: 1, method: 8 } },
    ],
    ['gzip strategy 4 (fixed)', { algorithm: 'gzip', gzip: { strategy: 4 } }],
    ['gzip block level 9 beats level 1', { algorithm: 'gzip', level: 1, gzip: { level: 9 } }],
    [
      'gzip zdict',
      { algorithm: 'gzip', gzip: { zdict: new TextEncoder().encode('SINETStream メッセージ') } },
    ],
    ['zstd 0', { algorithm: 'zstd', level: 0 }],
    ['zstd -5', { algorithm: 'zstd', level: -5 }],
    ['zstd -200000', { algorithm: 'zstd', level: -200000 }],
    ['zstd checksum', { algorithm: 'zstd', zstd: { write_checksum: true } }],
    [
      'zstd no dict id, threads 2',
      { algorithm: 'zstd', zstd: { write_dict_id: false, threads: 2 } },
    ],
    ['zstd block level 19 beats 1', { algorithm: 'zstd', level: 1, zstd: { level: 19 } }],
    [
      'zstd reader max_window_size',
      { algorithm: 'zstd', zstd: { max_window_size: 1 << 24, format: 0 } },
    ],
    ['lz4 -3', { algorithm: 'lz4', level: -3 }],
    [
      'lz4 12 (HC) 4 MiB independent blocks',
      {
        algorithm: 'lz4',
        level: 12,
        lz4: { block_size: 7, block_linked: false, content_checksum: true },
      },
    ],
    [
      'lz4 block compression_level 16',
      { algorithm: 'lz4', lz4: { compression_level: 16, block_size: 5 } },
    ],
  ];
  for (const [name, compression] of compressions) {
    configs.push([name, { data_compression: true, compression }]);
  }
  const gzipWith = (gzip: Params) => ({
    data_compression: true,
    compression: { algorithm: 'gzip', gzip },
  });
  configs.push(
    ['gzip wbits -9, reader wbits -8', gzipWith({ wbits: -9 }), gzipWith({ wbits: -8 })],
    ['gzip wbits 25, reader wbits 24', gzipWith({ wbits: 25 }), gzipWith({ wbits: 24 })],
    [
      'gzip wbits 12, reader wbits 0 (from the header)',
      gzipWith({ wbits: 12 }),
      gzipWith({ wbits: 0 }),
    ],
  );
  configs.push([
    'gzip wbits 31, reader wbits 47 (detects)',
    { data_compression: true, compression: { algorithm: 'gzip', gzip: { wbits: 31 } } },
    { data_compression: true, compression: { algorithm: 'gzip', gzip: { wbits: 47 } } },
  ]);
  configs.push(
    ['zstd v2', { data_compression: true, compression: { algorithm: 'zstd' }, message_format: 2 }],
    [
      'gzip + GCM',
      encrypted(
        { mode: 'GCM', password: 'pw', key_derivation: FAST_KDF },
        { data_compression: true, compression: { algorithm: 'gzip' } },
      ),
    ],
    [
      'zstd + EAX',
      encrypted(
        { mode: 'EAX', password: 'pw', key_derivation: FAST_KDF },
        { data_compression: true, compression: { algorithm: 'zstd', level: 5 } },
      ),
    ],
    [
      'lz4 + CBC v2',
      encrypted(
        { mode: 'CBC', padding: 'pkcs7', key: key(128, 5) },
        { data_compression: true, compression: { algorithm: 'lz4' }, message_format: 2 },
      ),
    ],
  );
  // user_data_only still compresses and encrypts: only the record and the packet go.
  configs.push(
    ['user_data_only + gzip', { user_data_only: true, data_compression: true }],
    [
      'user_data_only + zstd',
      { user_data_only: true, data_compression: true, compression: { algorithm: 'zstd' } },
    ],
    [
      'user_data_only + lz4',
      { user_data_only: true, data_compression: true, compression: { algorithm: 'lz4' } },
    ],
    [
      'user_data_only + GCM',
      encrypted(
        { mode: 'GCM', password: 'pw', key_derivation: FAST_KDF },
        { user_data_only: true },
      ),
    ],
    [
      'user_data_only + CBC key versions 1,2',
      encrypted(
        { mode: 'CBC', padding: 'pkcs7', _keys: { 1: key(128, 11), 2: key(128, 12) } },
        { user_data_only: true },
      ),
    ],
    [
      'user_data_only + zstd + EAX',
      encrypted(
        { mode: 'EAX', password: 'pw', key_derivation: FAST_KDF },
        { user_data_only: true, data_compression: true, compression: { algorithm: 'zstd' } },
      ),
    ],
  );
  return configs;
}

/**
 * CBC without padding encrypts whole blocks only (Python refuses others at publish): values
 * whose record, or bare value with user_data_only, is a whole number of 16-byte blocks.
 */
function wholeBlockCases(): Case[] {
  const timestampUs = TIMESTAMPS[0]!;
  const recordPadding = (n: number) => encodeRecord(timestampUs, new Uint8Array(n)).length % 16;
  const fits = Array.from({ length: 16 }, (_, n) => n).find((n) => recordPadding(n) === 0)!;
  const out: Case[] = [];
  const push = (name: string, params: Params, value: Uint8Array | string) =>
    out.push({ name, params, readerParams: params, value, timestampUs });
  for (const bits of KEY_LENGTHS) {
    const cbc = encrypted({ mode: 'CBC', key_length: bits, padding: 'none', key: key(bits, 2) });
    const bytes = { ...cbc, value_type: 'byte_array' };
    push(`CBC-${bits} none / record of ${fits + 16} bytes`, bytes, pseudoRandom(fits, bits));
    push(`CBC-${bits} none / record of ${fits + 32} bytes`, bytes, pseudoRandom(fits + 16, bits));
    const bare = { ...bytes, user_data_only: true };
    push(`CBC-${bits} none user_data_only / bytes-32B`, bare, pseudoRandom(32, bits));
    push(
      `CBC-${bits} none user_data_only / text-16B`,
      { ...bare, value_type: 'text' },
      'SINETStream 1.10',
    );
  }
  const v2 = {
    ...encrypted({ mode: 'CBC', padding: 'NoPadding', password: 'pw', key_derivation: FAST_KDF }),
    message_format: 2,
    value_type: 'byte_array',
  };
  push('CBC-128 NoPadding v2 password / record of whole blocks', v2, pseudoRandom(fits + 48, 9));
  return out;
}

/** Every configuration with every value, each with its value type, cycling the timestamps. */
export function cases(): Case[] {
  const out: Case[] = wholeBlockCases();
  for (const [configName, writer, reader = writer] of configurations()) {
    // One params object per value type, so each stands for one long-lived writer / reader.
    const typed = (valueType: string) => ({
      params: { ...writer, value_type: valueType },
      readerParams: { ...reader, value_type: valueType },
    });
    const byType = { text: typed('text'), byte_array: typed('byte_array') };
    for (const [valueName, value] of VALUES) {
      out.push({
        name: `${configName} / ${valueName}`,
        ...byType[typeof value === 'string' ? 'text' : 'byte_array'],
        value,
        timestampUs: TIMESTAMPS[out.length % TIMESTAMPS.length]!,
      });
    }
  }
  return out;
}

/** A reader whose password or key is wrong, for the settings of `params`. */
export function withWrongSecret(params: Params): Params {
  const crypto = params.crypto as Params;
  const { password: _password, key: _key, _keys, ...rest } = crypto;
  return { ...params, crypto: { ...rest, password: 'not-the-password' } };
}
