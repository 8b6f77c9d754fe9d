import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AsyncMessageReader } from '../api/async-message-reader.js';
import type { Message } from '../api/message.js';
import { MessageReader } from '../api/message-reader.js';
import { AsyncMessageWriter, MessageWriter } from '../api/message-writer.js';
import type { ReaderOptions, WriterOptions } from '../api/options.js';
import { AlreadyConnectedError, UnsupportedOperationError } from '../errors.js';
import type { PluginRegistry } from '../spi/registry.js';
import type { HeaderSupport } from '../spi/types.js';
import { type BufferSlack, contractCases, type ReaderIdentity } from './contract.js';

export interface ConformanceFeatures {
  /** Messages from one writer to one topic arrive in publish order. */
  ordering: boolean;
  /** A reader that opens later can read earlier messages after seekToBeginning. */
  persistence: boolean;
  /** `seekToBeginning` / `seekToEnd` are supported. */
  seek: boolean;
  /** The `type_spec` that puts a reader in a consumer group; absent when there are none. */
  consumerGroup?: (group: string) => Record<string, unknown>;
  /** A pattern matching every topic that starts with `prefix` (e.g. MQTT `prefix/#`). */
  wildcard?: (prefix: string) => string;
  /** Restarts the broker; enables the AT_LEAST_ONCE restart test. */
  restartBroker?: () => Promise<void>;
  /** How a new reader takes over what a crashed or closed one left unfinished, or why it cannot. */
  identity: ReaderIdentity;
  /**
   * How many messages past `max_unacked_messages` a reader buffers ahead of a user holding
   * one (0: none), or why it has no bound.
   */
  bufferSlack: BufferSlack;
  /** What headers the plugin declares its messages carry for this service. */
  headers: HeaderSupport;
}

export interface ConformanceOptions {
  /** Shown in the test names, e.g. `mqtt v5 over TCP on Mosquitto`. */
  name: string;
  /** The service as a v3 config file writes it: `{ type, brokers, type_spec, ... }`. */
  service: Record<string, unknown>;
  features: ConformanceFeatures;
  /** Separator between topic name parts (MQTT `/`, Kafka `.`); default `-`. */
  topicSeparator?: string;
  registry?: PluginRegistry;
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** How long a silent reader waits before its iteration ends; default 3000 ms. */
  quietMs?: number;
  /** How long a reader taking over another's identity may wait for its first message
   * (a consumer group waits out the dead member's session); default 20 s. */
  takeoverMs?: number;
}

const SERVICE = 'conformance';

export function runConformanceSuite(options: ConformanceOptions): void {
  const { features, timeoutMs = 30_000, quietMs = 3_000 } = options;
  const separator = options.topicSeparator ?? '-';
  const config = { header: { version: 3 }, config: { [SERVICE]: options.service } };
  const newTopic = (label: string) =>
    ['sinetstream', 'conf', label, randomUUID().slice(0, 8)].join(separator);
  const base = {
    service: SERVICE,
    config,
    ...(options.registry ? { registry: options.registry } : {}),
  };
  const writer = <T = Uint8Array>(topic: string, extra: WriterOptions<T> = {}) =>
    new MessageWriter<T>({ ...base, topic, ...extra });
  const reader = <T = Uint8Array>(topics: string | string[], extra: ReaderOptions<T> = {}) =>
    new MessageReader<T>({ ...base, topics, receiveTimeoutMs: quietMs, ...extra });

  async function collect<T>(source: MessageReader<T>, count: number): Promise<Message<T>[]> {
    const received: Message<T>[] = [];
    if (count === 0) return received;
    for await (const message of source) {
      received.push(message);
      if (received.length >= count) break;
    }
    return received;
  }

  describe(`conformance: ${options.name}`, { timeout: timeoutMs }, () => {
    it('delivers text messages with their topic and timestamp', async () => {
      const topic = newTopic('text');
      await using source = await reader<string>(topic, { valueType: 'text' }).open();
      await using sink = await writer<string>(topic, { valueType: 'text' }).open();
      const before = Date.now() * 1000;
      const sent = Array.from({ length: 20 }, (_, i) => `message ${i} ✓`);
      for (const value of sent) await sink.publish(value);
      const received = await collect(source, sent.length);
      const values = received.map((m) => m.value);
      if (features.ordering) expect(values).toEqual(sent);
      else expect([...values].sort()).toEqual([...sent].sort());
      for (const message of received) {
        expect(message.topic).toBe(topic);
        expect(message.timestampUs).toBeGreaterThanOrEqual(before - 1_000_000);
        expect(message.timestampUs).toBeLessThanOrEqual(Date.now() * 1000 + 1_000_000);
      }
    });

    it('delivers bytes unchanged: empty, one byte, 64 KiB, and keeps a given timestamp', async () => {
      const topic = newTopic('bytes');
      await using source = await reader(topic).open();
      await using sink = await writer(topic).open();
      const big = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
      const values = [new Uint8Array(0), Uint8Array.of(0xff), big];
      for (const value of values) await sink.publish(value, { timestamp: 1_700_000_000.123456 });
      const received = await collect(source, values.length);
      const byLength = received
        .map((m) => Buffer.from(m.value))
        .sort((a, b) => a.length - b.length);
      expect(byLength).toEqual(values.map((v) => Buffer.from(v)));
      for (const message of received) expect(message.timestampUs).toBe(1_700_000_000_123_456);
    });

    it('reads several topics with one reader', async () => {
      const topics = [newTopic('multi-a'), newTopic('multi-b')];
      await using source = await reader<string>(topics, { valueType: 'text' }).open();
      for (const topic of topics) {
        await using sink = await writer<string>(topic, { valueType: 'text' }).open();
        await sink.publish(`to ${topic}`);
      }
      const received = await collect(source, 2);
      expect(received.map((m) => `${m.topic}:${m.value}`).sort()).toEqual(
        topics.map((topic) => `${topic}:to ${topic}`).sort(),
      );
    });

    it('ends iteration after receiveTimeoutMs of silence', async () => {
      await using source = await reader(newTopic('quiet'), { receiveTimeoutMs: 300 }).open();
      const received = await collect(source, 1);
      expect(received).toEqual([]);
    });

    it('close() ends an iteration that is waiting for a message', async () => {
      const source = await reader(newTopic('close'), { receiveTimeoutMs: undefined }).open();
      const waiting = collect(source, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await source.close();
      await expect(waiting).resolves.toEqual([]);
      await source.close();
    });

    it('refuses a second open() and counts messages in metrics', async () => {
      const topic = newTopic('metrics');
      await using source = await reader(topic).open();
      await using sink = await writer(topic).open();
      await expect(sink.open()).rejects.toBeInstanceOf(AlreadyConnectedError);
      await sink.publish(new Uint8Array(100));
      await sink.publish(new Uint8Array(300));
      await collect(source, 2);
      expect(sink.metrics.msgCountTotal).toBe(2);
      expect(source.metrics.msgCountTotal).toBe(2);
      expect(source.metrics.msgBytesTotal).toBe(sink.metrics.msgBytesTotal);
      expect(sink.metrics.msgSizeMax! - sink.metrics.msgSizeMin!).toBe(200);
    });

    it('carries compressed messages', async () => {
      const topic = newTopic('gzip');
      const compressed = {
        valueType: 'text',
        dataCompression: true,
        compression: { algorithm: 'gzip' },
      };
      await using source = await reader<string>(topic, compressed).open();
      await using sink = await writer<string>(topic, compressed).open();
      const text = 'sinetstream '.repeat(1000);
      await sink.publish(text);
      const [message] = await collect(source, 1);
      expect(message?.value).toBe(text);
      expect(sink.metrics.msgBytesTotal).toBeLessThan(text.length / 10);
    });

    it('AsyncMessageWriter keeps many publishes in flight; AsyncMessageReader gets them all', async () => {
      const topic = newTopic('async');
      const received: string[] = [];
      let done: () => void = () => undefined;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      const source = new AsyncMessageReader<string>({ ...base, topics: topic, valueType: 'text' });
      source.onMessage = (message) => {
        received.push(message.value);
        if (received.length === 50) done();
      };
      await using _source = await source.open();
      await using sink = await new AsyncMessageWriter<string>({
        ...base,
        topic,
        valueType: 'text',
      }).open();
      const sent = Array.from({ length: 50 }, (_, i) => `async ${i}`);
      await Promise.all(sent.map((value) => sink.publish(value)));
      await all;
      expect([...received].sort()).toEqual([...sent].sort());
    });

    if (features.seek) {
      it('seekToBeginning reads what was published before the reader opened', async () => {
        const topic = newTopic('seek');
        {
          await using sink = await writer<string>(topic, { valueType: 'text' }).open();
          for (const value of ['early 1', 'early 2']) await sink.publish(value);
        }
        await using source = await reader<string>(topic, { valueType: 'text' }).open();
        await source.seekToBeginning();
        const received = await collect(source, 2);
        expect(received.map((m) => m.value)).toEqual(['early 1', 'early 2']);
        await source.seekToEnd();
      });
    } else {
      it('seek on a broker that cannot seek is UnsupportedOperationError', async () => {
        await using source = await reader(newTopic('noseek')).open();
        await expect(source.seekToBeginning()).rejects.toBeInstanceOf(UnsupportedOperationError);
      });
    }

    if (features.persistence && !features.seek) {
      it('keeps messages published before a reader opens', async () => {
        const topic = newTopic('persist');
        {
          await using sink = await writer<string>(topic, { valueType: 'text' }).open();
          await sink.publish('kept');
        }
        await using source = await reader<string>(topic, { valueType: 'text' }).open();
        const received = await collect(source, 1);
        expect(received.map((m) => m.value)).toEqual(['kept']);
      });
    }

    const { consumerGroup } = features;
    if (consumerGroup) {
      it('shares messages among the readers of one consumer group', async () => {
        const topic = newTopic('group');
        const group = `group-${randomUUID().slice(0, 8)}`;
        const members = [
          reader<string>(topic, { valueType: 'text', typeSpec: consumerGroup(group) }),
        ];
        members.push(reader<string>(topic, { valueType: 'text', typeSpec: consumerGroup(group) }));
        await Promise.all(members.map((member) => member.open()));
        try {
          await using sink = await writer<string>(topic, { valueType: 'text' }).open();
          const sent = Array.from({ length: 20 }, (_, i) => `group ${i}`);
          for (const value of sent) await sink.publish(value);
          const drained = await Promise.all(members.map((member) => collect(member, sent.length)));
          expect(
            drained
              .flat()
              .map((m) => m.value)
              .sort(),
          ).toEqual([...sent].sort());
        } finally {
          await Promise.all(members.map((member) => member.close()));
        }
      });
    }

    const { wildcard } = features;
    if (wildcard) {
      it('reads every topic a wildcard matches', async () => {
        const prefix = newTopic('wild');
        const topics = [`${prefix}${separator}a`, `${prefix}${separator}b`];
        await using source = await reader<string>(wildcard(prefix), { valueType: 'text' }).open();
        for (const topic of topics) {
          await using sink = await writer<string>(topic, { valueType: 'text' }).open();
          await sink.publish(topic);
        }
        const received = await collect(source, 2);
        expect(received.map((m) => m.topic).sort()).toEqual(topics);
        expect(received.map((m) => m.value).sort()).toEqual(topics);
      });
    }

    headerCases(features.headers, newTopic, writer, reader, collect);

    contractCases({
      base,
      identity: features.identity,
      bufferSlack: features.bufferSlack,
      newTopic,
      takeoverMs: options.takeoverMs ?? 20_000,
    });

    const { restartBroker } = features;
    if (restartBroker) {
      it('loses nothing at AT_LEAST_ONCE across a broker restart', async () => {
        const topic = newTopic('restart');
        const reliable = { valueType: 'text', consistency: 'AT_LEAST_ONCE' as const };
        await using source = await reader<string>(topic, {
          ...reliable,
          receiveTimeoutMs: 20_000,
        }).open();
        await using sink = await writer<string>(topic, reliable).open();
        await sink.publish('before restart');
        await restartBroker();
        await sink.publish('after restart');
        const received = await collect(source, 2);
        expect(received.map((m) => m.value)).toEqual(['before restart', 'after restart']);
      }, 120_000);
    }
  });
}

const utf8 = new TextEncoder();
const asBytes = (value: string | Uint8Array) =>
  Buffer.from(typeof value === 'string' ? utf8.encode(value) : value);

/** Headers for each level of support: every one a lower level carries, and more. */
const SENT_HEADERS: Record<'binary' | 'text' | 'ascii', Record<string, string | Uint8Array>> = {
  ascii: { 'trace-id': 'abc-123', empty: '', 'with.dots_and-dashes': 'a b=c;d' },
  text: { Greeting: 'héllo wörld ✓ 日本語', 'x-emoji': '🚀', empty: '', plain: 'ascii' },
  binary: {
    Greeting: 'héllo ✓',
    bytes: Uint8Array.of(0, 1, 0xfe, 0xff, 0x80),
    'empty-bytes': new Uint8Array(0),
  },
};

function headerCases(
  support: HeaderSupport,
  newTopic: (label: string) => string,
  writer: <T>(topic: string, extra?: WriterOptions<T>) => MessageWriter<T>,
  reader: <T>(topics: string, extra?: ReaderOptions<T>) => MessageReader<T>,
  collect: <T>(source: MessageReader<T>, count: number) => Promise<Message<T>[]>,
): void {
  if (typeof support === 'object') {
    it(`refuses headers with UnsupportedOperationError (${support.unsupported})`, async () => {
      const topic = newTopic('noheaders');
      await using source = await reader<string>(topic, { valueType: 'text' }).open();
      await using sink = await writer<string>(topic, { valueType: 'text' }).open();
      const refused = sink.publish('with headers', { headers: { key: 'value' } });
      await expect(refused).rejects.toBeInstanceOf(UnsupportedOperationError);
      await expect(refused).rejects.toThrow(support.unsupported);
      await sink.publish('without headers', { headers: {} });
      const [message] = await collect(source, 1);
      expect(message?.value).toBe('without headers');
      expect(message?.headers.size).toBe(0);
    });
    return;
  }
  it(`carries ${support} headers beside the message, not in it`, async () => {
    const topic = newTopic('headers');
    const sent = SENT_HEADERS[support];
    await using source = await reader<string>(topic, { valueType: 'text' }).open();
    await using sink = await writer<string>(topic, { valueType: 'text' }).open();
    await sink.publish('plain');
    await sink.publish('with headers', { headers: sent });
    const [plain, withHeaders] = await collect(source, 2);
    expect(plain?.value).toBe('plain');
    expect(plain?.headers.size).toBe(0);
    expect(withHeaders?.value).toBe('with headers');
    const received = withHeaders!.headers;
    expect([...received.keys()].sort()).toEqual(Object.keys(sent).sort());
    for (const [name, value] of Object.entries(sent)) {
      expect(asBytes(received.get(name)!), name).toEqual(asBytes(value));
      if (value instanceof Uint8Array) expect(received.get(name), name).toBeInstanceOf(Uint8Array);
    }
    // The headers are not in the message: the bytes are those of a message without them.
    expect(sink.metrics.msgSizeMax! - sink.metrics.msgSizeMin!).toBe(
      'with headers'.length - 'plain'.length,
    );
  });
  if (support !== 'binary') {
    it(`refuses headers beyond ${support} with UnsupportedOperationError`, async () => {
      await using sink = await writer<string>(newTopic('badheaders'), { valueType: 'text' }).open();
      await expect(
        sink.publish('x', { headers: { bytes: Uint8Array.of(1) } }),
      ).rejects.toBeInstanceOf(UnsupportedOperationError);
      if (support === 'ascii') {
        await expect(sink.publish('x', { headers: { name: 'héllo' } })).rejects.toBeInstanceOf(
          UnsupportedOperationError,
        );
      }
    });
  }
}
