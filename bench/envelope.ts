/**
 * Envelope throughput: encode + decode of one message through the public codec, for
 * plaintext, each AES mode, gzip and zstd, at 100 B, 1 KiB and 64 KiB.
 * Run: npx tsx bench/envelope.ts
 */
import { createMessageDecoder, createMessageEncoder } from '../src/api/codec.js';
import type { CommonOptions } from '../src/api/options.js';

const SIZES = [100, 1024, 64 * 1024];
const CRYPTO = { algorithm: 'AES', key_length: 128, password: 'bench-password' };

const CONFIGS: Array<readonly [string, CommonOptions]> = [
  ['plaintext', {}],
  ...['CBC', 'CFB', 'OFB', 'CTR', 'EAX', 'GCM'].map(
    (mode) =>
      [
        `AES-128-${mode}`,
        {
          dataEncryption: true,
          crypto: { ...CRYPTO, mode, padding: mode === 'CBC' ? 'pkcs7' : 'none' },
        },
      ] as const,
  ),
  ['gzip (6)', { dataCompression: true, compression: { algorithm: 'gzip' } }],
  ['zstd (3)', { dataCompression: true, compression: { algorithm: 'zstd' } }],
];

/** Sensor-like text: compressible, but not trivially. */
function payload(size: number): Uint8Array {
  let text = '';
  for (let i = 0; text.length < size; i++)
    text += `{"t":${1700000000 + i},"v":${(i * 7919) % 1000}}`;
  return new TextEncoder().encode(text.slice(0, size));
}

async function measure(options: CommonOptions, value: Uint8Array): Promise<number> {
  const common = { noConfig: true, ...options };
  const encoder = await createMessageEncoder(common);
  const decoder = await createMessageDecoder(common);
  const roundTrip = () => decoder.decode(encoder.encode(value, { timestamp: 1 }));
  for (let i = 0; i < 200; i++) await roundTrip(); // warm up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 400) {
    for (let i = 0; i < 50; i++) await roundTrip();
    count += 50;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

const rows: string[][] = [['config', 'size', 'msg/s', 'MB/s', 'vs plaintext']];
for (const size of SIZES) {
  const value = payload(size);
  let baseline = 0;
  for (const [name, options] of CONFIGS) {
    const rate = await measure(options, value);
    if (name === 'plaintext') baseline = rate;
    rows.push([
      name,
      `${size}`,
      rate.toFixed(0),
      ((rate * size) / 1e6).toFixed(1),
      (rate / baseline).toFixed(2),
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
