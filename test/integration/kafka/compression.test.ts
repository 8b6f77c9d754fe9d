/**
 * Kafka-level compression (`compression_type`): each codec the client offers is written by our
 * writer, read back by our reader, and found in the broker's own log segment with that codec,
 * as Kafka's DumpLogSegments tool (which decompresses the records with Kafka's own codecs)
 * reports it.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytes, newTopic, reader, requireKafka, take, text, writer } from './helpers.js';

const KAFKA = resolve(
  process.env.SINETSTREAM_BROKERS_DIR ?? resolve(import.meta.dirname, '../../../.brokers'),
  'kafka',
);

beforeAll(requireKafka);

/** What the single broker of scripts/kafka/setup.sh says it stored for the topic. */
async function dumpLog(topic: string): Promise<string> {
  const dir = join(KAFKA, 'single/data', `${topic}-0`);
  const segments = (await readdir(dir)).filter((f) => f.endsWith('.log'));
  const { stdout } = await promisify(execFile)(
    'java',
    [
      '-Xmx128m',
      '-cp',
      `${join(KAFKA, 'libs')}/*`,
      'kafka.tools.DumpLogSegments',
      '--deep-iteration',
      '--print-data-log',
      '--files',
      segments.map((f) => join(dir, f)).join(','),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

describe('kafka plugin: compression_type', () => {
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`${codec}: batches stored with the codec and read back`, async () => {
      const topic = newTopic(`compress-${codec}`);
      const source = reader(topic);
      await source.open();
      const warnings: string[] = [];
      const sink = writer(topic, { params: { compression_type: codec }, warnings });
      await sink.open();
      // Compressible values, several to a batch.
      const values = Array.from({ length: 20 }, (_, i) => `${codec}-${i}-${'x'.repeat(200)}`);
      try {
        await Promise.all(values.map((v) => sink.publish(bytes(v))));
      } finally {
        await sink.close();
      }
      expect((await take(source, values.length)).map(text)).toEqual(values);
      await source.close();
      expect(warnings).toEqual([]);

      const dump = await dumpLog(topic);
      const codecs = new Set([...dump.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]));
      expect(codecs).toEqual(new Set([codec]));
      // Kafka's own codec inflated what ours wrote.
      for (const value of values) expect(dump).toContain(`payload: ${value}`);
    }, 30_000);
  }

  it('none: batches stored uncompressed', async () => {
    const topic = newTopic('compress-none');
    const sink = writer(topic, { params: { compression_type: 'none' } });
    await sink.open();
    await sink.publish(bytes('plain'));
    await sink.close();
    expect(await dumpLog(topic)).toContain('compresscodec: none');
  }, 30_000);
});
