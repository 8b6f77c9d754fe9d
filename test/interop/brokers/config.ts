/**
 * The shared `.sinetstream_config.yml` (format v3) both sides use, and the messages sent
 * through each of its services.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type Broker = 'mqtt' | 'kafka';
export type ValueType = 'text' | 'byte_array';

export const BROKERS: Readonly<Record<Broker, string>> = {
  mqtt: '127.0.0.1:1883',
  kafka: '127.0.0.1:9092',
};

// Python encodes passwords as latin-1 (so do we): non-ASCII, but below U+0100.
const PASSWORD = 'interop-sécret-ß';

/** What the message body goes through; each is a service per broker and value type. */
export const VARIANTS: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['plain', {}],
  [
    'aes256-gcm',
    {
      data_encryption: true,
      crypto: { algorithm: 'AES', key_length: 256, mode: 'GCM', password: PASSWORD },
    },
  ],
  [
    'aes256-cbc-pkcs7',
    {
      data_encryption: true,
      crypto: {
        algorithm: 'AES',
        key_length: 256,
        mode: 'CBC',
        padding: 'pkcs7',
        password: PASSWORD,
        key_derivation: { algorithm: 'pbkdf2', salt_bytes: 16, iteration: 20000 },
      },
    },
  ],
  [
    'gzip',
    {
      data_compression: true,
      compression: { algorithm: 'gzip', level: 9 },
      consistency: 'AT_LEAST_ONCE',
    },
  ],
  [
    'zstd+eax',
    {
      data_compression: true,
      compression: { algorithm: 'zstd', level: 5 },
      data_encryption: true,
      crypto: { algorithm: 'AES', key_length: 128, mode: 'EAX', password: PASSWORD },
    },
  ],
  [
    'gzip-file+openpgp',
    {
      data_compression: true,
      compression: { algorithm: 'gzip', gzip: { wbits: 31 } },
      data_encryption: true,
      crypto: { algorithm: 'AES', key_length: 192, mode: 'OPENPGP', password: PASSWORD },
    },
  ],
];

/** Broker-specific parameters (v3 `type_spec`) some services add, to read them the same way. */
const TYPE_SPEC: Readonly<Record<Broker, Record<string, Record<string, unknown>>>> = {
  mqtt: { gzip: { qos: 1, protocol: 'MQTTv311' }, 'zstd+eax': { qos: 2, protocol: 'MQTTv5' } },
  // Only keys both kafka-python's producer and consumer take: each rejects the other's
  // (acks, group_id, auto_offset_reset...) with an error.
  kafka: {
    gzip: { metadata_max_age_ms: 60000 },
    // kafka-python names ours maps (reconnect_*) or warns about with a reason (the rest).
    'gzip-file+openpgp': {
      reconnect_backoff_ms: 100,
      reconnect_backoff_max_ms: 3000,
      connections_max_idle_ms: 540000,
      receive_buffer_bytes: 65536,
      send_buffer_bytes: 131072,
      api_version_auto_timeout_ms: 2000,
      metrics_num_samples: 2,
    },
  },
};

export interface Case {
  readonly broker: Broker;
  readonly variant: string;
  readonly valueType: ValueType;
  /** The service name in the shared file. */
  readonly service: string;
}

/** `interop-mqtt` / `interop-kafka` is the plain byte_array service; the rest say what they add. */
export function serviceName(broker: Broker, variant: string, valueType: ValueType): string {
  const suffix = [variant === 'plain' ? '' : variant, valueType === 'text' ? 'text' : '']
    .filter(Boolean)
    .join('-');
  return suffix ? `interop-${broker}-${suffix}` : `interop-${broker}`;
}

export function cases(broker: Broker): Case[] {
  return VARIANTS.flatMap(([variant]) =>
    (['byte_array', 'text'] as const).map((valueType) => ({
      broker,
      variant,
      valueType,
      service: serviceName(broker, variant, valueType),
    })),
  );
}

/** Writes the shared file to a fresh temp dir; returns the dir and the file's path. */
export function writeSharedConfig(): { dir: string; file: string } {
  const services: Record<string, unknown> = {};
  for (const broker of Object.keys(BROKERS) as Broker[]) {
    for (const { service, variant, valueType } of cases(broker)) {
      const body = VARIANTS.find(([name]) => name === variant)![1];
      services[service] = {
        type: broker,
        // Both spellings upstream accepts: a host:port string, and a list.
        brokers: broker === 'mqtt' ? BROKERS[broker] : [BROKERS[broker]],
        ...(valueType === 'text' ? { value_type: 'text' } : {}),
        ...body,
        ...(TYPE_SPEC[broker][variant] ? { type_spec: TYPE_SPEC[broker][variant] } : {}),
      };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sinetstream-broker-interop-'));
  const file = join(dir, '.sinetstream_config.yml');
  // Written out in full, as a person would (no YAML anchors for the repeated blocks).
  const text = stringify(
    { header: { version: 3 }, config: services },
    { aliasDuplicateObjects: false },
  );
  writeFileSync(file, text);
  return { dir, file };
}

/** A topic nobody else uses: per run, broker, direction and case. */
export function uniqueTopic(c: Case, direction: string): string {
  const variant = c.variant.replace(/[^a-z0-9]+/g, '-');
  return `interop-${direction}-${variant}-${c.valueType}-${randomUUID().slice(0, 8)}`;
}

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

export interface Sent {
  readonly value: string | Uint8Array;
  /** Microseconds; `null` lets the writer stamp the time of publishing. */
  readonly timestampUs: number | null;
}

/**
 * Explicit stamps survive the Python API's float seconds exactly; 0 means "no timestamp" on
 * the wire; null is "now".
 */
const STAMPS = [1_700_000_000_123_456, null, 1_234_567_890_250_000, 0, 1];

const TEXTS = [
  'hello, SINETStream',
  '',
  'SINETStream メッセージ ✓ 🚀 \u0000 end',
  'ASCII and 日本語 '.repeat(4500),
  'a',
];
const BYTES = [
  new Uint8Array(0),
  Uint8Array.from({ length: 256 }, (_, i) => i),
  pseudoRandom(65536, 7),
  Uint8Array.of(0xdf, 0x03, 0x00, 0x00, 0x00, 0x01),
  Uint8Array.of(0x42),
];

export function messages(valueType: ValueType): Sent[] {
  const values = valueType === 'text' ? TEXTS : BYTES;
  return values.map((value, i) => ({ value, timestampUs: STAMPS[i % STAMPS.length]! }));
}
