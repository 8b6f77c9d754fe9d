/**
 * The rest of upstream's 1.10 API surface: AsyncMessageReader seeking, `info()`,
 * DEFAULT_CLIENT_ID and the `usage()` static methods.
 */
import { describe, expect, it } from 'vitest';
import {
  AsyncMessageReader,
  AsyncMessageWriter,
  DEFAULT_CLIENT_ID,
  MessageReader,
  MessageWriter,
  NotOpenError,
} from '../../src/index.js';

let brokerCount = 0;
/** A service on a fresh in-memory broker, so tests never see each other's messages. */
function memory(extra: Record<string, unknown> = {}) {
  brokerCount++;
  return {
    config: {
      s: {
        type: 'memory',
        brokers: `upstream-${brokerCount}`,
        topic: 't',
        value_type: 'text',
        ...extra,
      },
    },
  };
}

/** Resolves once `count` values have arrived at `values`. */
async function until(values: string[], count: number): Promise<void> {
  for (let i = 0; i < 200 && values.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('AsyncMessageReader.seekToBeginning / seekToEnd', () => {
  it('replays what the broker keeps, and skips it again', async () => {
    const service = memory();
    await using writer = await new MessageWriter<string>(service).open();
    await writer.publish('one');
    await writer.publish('two');
    await using reader = new AsyncMessageReader<string>(service);
    const values: string[] = [];
    reader.onMessage = (message) => void values.push(message.value);
    await reader.open();
    await writer.publish('three');
    await until(values, 1);
    expect(values).toEqual(['three']);

    await reader.seekToBeginning();
    await until(values, 4);
    expect(values).toEqual(['three', 'one', 'two', 'three']);

    await reader.seekToEnd();
    await writer.publish('four');
    await until(values, 5);
    expect(values).toEqual(['three', 'one', 'two', 'three', 'four']);
  });

  it('needs an open reader', async () => {
    const reader = new AsyncMessageReader(memory());
    await expect(reader.seekToBeginning()).rejects.toThrow(NotOpenError);
  });
});

describe('info()', () => {
  it('tells the client id, the metrics and the plugin part, as upstream (camelCased)', async () => {
    await using writer = await new MessageWriter<string>(memory({ client_id: 'me' })).open();
    await writer.publish('x');
    const info = writer.info() as Record<string, unknown>;
    expect(Object.keys(info)).toEqual(['clientId', 'metrics', 'memory']);
    expect(info.clientId).toBe('me');
    expect(info.memory).toBeUndefined();
    expect((info.metrics as { msgCountTotal: number }).msgCountTotal).toBe(1);
    expect(writer.info('client_id')).toBe('me');
    expect(writer.info('clientId.')).toBe('me');
    expect((writer.info('metrics') as { msgCountTotal: number }).msgCountTotal).toBe(1);
    expect(writer.info('nothing')).toBeUndefined();
  });

  it('is there on readers, async ones included, before open too', async () => {
    const reader = new AsyncMessageReader(memory({ client_id: 'r' }));
    expect(reader.info('client_id')).toBe('r');
    const syncReader = new MessageReader(memory());
    expect((syncReader.info() as { clientId: string }).clientId).toMatch(/^sinetstream-/);
  });
});

describe('DEFAULT_CLIENT_ID', () => {
  it('makes each client generate its own id, sinetstream-<uuid>', () => {
    const ids = [0, 1].map(
      () => new MessageWriter({ ...memory(), clientId: DEFAULT_CLIENT_ID }).clientId,
    );
    for (const id of ids) expect(id).toMatch(/^sinetstream-[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('usage()', () => {
  it.each([
    [MessageReader, 'MessageReader', 'topics: TOPICS'],
    [AsyncMessageReader, 'AsyncMessageReader', 'valueDeserializer'],
    [MessageWriter, 'MessageWriter', 'topic: TOPIC'],
    [AsyncMessageWriter, 'AsyncMessageWriter', 'valueSerializer'],
  ] as const)('%o names the class and its usual options', (cls, name, option) => {
    const text = cls.usage();
    expect(text.startsWith(`new ${name}({\n`)).toBe(true);
    expect(text).toContain(option);
    expect(text).toContain('clientId: DEFAULT_CLIENT_ID,');
  });
});
