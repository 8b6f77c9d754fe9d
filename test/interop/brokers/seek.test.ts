/**
 * Seeking against SINETStream 1.10 (Python) over Kafka (127.0.0.1:9092), both ways: what one
 * side wrote before the other's reader existed is read after seekToBeginning /
 * seek_to_beginning, by our AsyncMessageReader and MessageReader and by Python's MessageReader.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncMessageReader, MessageReader, MessageWriter } from '../../../src/index.js';
import { createTopic } from '../../integration/kafka/helpers.js';
import { serviceName, writeSharedConfig } from './config.js';
import { PythonDriver, requireVenv } from './driver.js';

const REPLY_MS = 45_000;
const SERVICE = serviceName('kafka', 'gzip-file+openpgp', 'text');
const VALUES = ['first', 'second', 'third'];

let shared: ReturnType<typeof writeSharedConfig> | undefined;
let python: PythonDriver | undefined;

beforeAll(() => {
  requireVenv();
  shared = writeSharedConfig();
  python = new PythonDriver('python seek driver', shared.dir);
});

afterAll(async () => {
  await python?.stop();
  if (shared) rmSync(shared.dir, { recursive: true, force: true });
});

async function newTopic(what: string): Promise<string> {
  const topic = `interop-seek-${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await createTopic(topic, 1);
  return topic;
}

async function pythonWrites(topic: string): Promise<void> {
  const reply = await python!.request(
    {
      op: 'write',
      service: SERVICE,
      topic,
      text: true,
      messages: VALUES.map((value) => ({ value, timestamp_us: null })),
    },
    REPLY_MS,
  );
  expect(reply.error).toBeUndefined();
}

describe('kafka: Python writes, then our reader seeks to the beginning', () => {
  it('AsyncMessageReader.seekToBeginning reads what was written before it opened', async () => {
    const topic = await newTopic('async');
    await pythonWrites(topic);
    const values: string[] = [];
    await using reader = new AsyncMessageReader<string>({
      service: SERVICE,
      configFile: shared!.file,
      topics: topic,
    });
    const all = new Promise<void>((done) => {
      reader.onMessage = (message) => {
        values.push(message.value);
        if (values.length === VALUES.length) done();
      };
    });
    await reader.open();
    await reader.seekToBeginning();
    await all;
    expect(values).toEqual(VALUES);
  }, 90_000);

  it('MessageReader.seekToBeginning too', async () => {
    const topic = await newTopic('sync');
    await pythonWrites(topic);
    await using reader = await new MessageReader<string>({
      service: SERVICE,
      configFile: shared!.file,
      topics: topic,
      receiveTimeoutMs: 20_000,
    }).open();
    await reader.seekToBeginning();
    const values: string[] = [];
    for await (const message of reader) {
      values.push(message.value);
      if (values.length === VALUES.length) break;
    }
    expect(values).toEqual(VALUES);
  }, 90_000);
});

describe('kafka: ours writes, then Python MessageReader seeks to the beginning', () => {
  it('seek_to_beginning reads what was written before it opened', async () => {
    const topic = await newTopic('py');
    {
      await using writer = await new MessageWriter<string>({
        service: SERVICE,
        configFile: shared!.file,
        topic,
      }).open();
      for (const value of VALUES) await writer.publish(value);
    }
    const reply = await python!.request(
      {
        op: 'seek_read',
        service: SERVICE,
        topic,
        text: true,
        seek: 'beginning',
        count: VALUES.length,
        timeout_ms: 30_000,
      },
      REPLY_MS,
    );
    expect(reply.error).toBeUndefined();
    expect(reply.messages!.map((m) => m.value)).toEqual(VALUES);
  }, 90_000);
});
