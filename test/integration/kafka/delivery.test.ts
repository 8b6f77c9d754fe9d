import { beforeAll, describe, expect, it } from 'vitest';
import {
  bytes,
  createTopic,
  newTopic,
  nothingWithin,
  reader,
  requireKafka,
  take,
  text,
  writer,
} from './helpers.js';

beforeAll(requireKafka);

async function publishAll(topic: string, values: string[], options = {}): Promise<void> {
  const sink = writer(topic, options);
  await sink.open();
  try {
    await Promise.all(values.map((v) => sink.publish(bytes(v))));
  } finally {
    await sink.close();
  }
}

const numbered = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('kafka plugin: delivery', () => {
  it('keeps the publish order within each partition', async () => {
    const topic = newTopic('order');
    await createTopic(topic, 3);
    const source = reader(topic);
    await source.open();
    const sent = numbered(60);
    await publishAll(topic, sent);
    const received = await take(source, sent.length);
    await source.close();
    expect([...received.map(text)].sort()).toEqual([...sent].sort());
    const byPartition = new Map<number, number[]>();
    for (const m of received) {
      const raw = m.raw as { partition: number };
      byPartition.set(raw.partition, [
        ...(byPartition.get(raw.partition) ?? []),
        Number(text(m).slice(1)),
      ]);
    }
    // Keyless messages are spread over the partitions, each in publish order.
    expect(byPartition.size).toBe(3);
    for (const sequence of byPartition.values())
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
  });

  it('reads what was written before it opened, from the beginning or with auto_offset_reset earliest', async () => {
    const topic = newTopic('persist');
    await publishAll(topic, ['a', 'b', 'c']);
    const latest = reader(topic);
    await latest.open();
    // The default (latest, as upstream) starts after what is already there.
    expect(await nothingWithin(latest, 1500)).toBeUndefined();
    await latest.seekToBeginning();
    expect((await take(latest, 3)).map(text)).toEqual(['a', 'b', 'c']);
    await latest.close();
    const earliest = reader(topic, { params: { auto_offset_reset: 'earliest' } });
    await earliest.open();
    expect((await take(earliest, 3)).map(text)).toEqual(['a', 'b', 'c']);
    await earliest.close();
  });

  it('seekToEnd skips what is buffered and stored, then reads new messages', async () => {
    const topic = newTopic('seekend');
    await publishAll(topic, ['old1', 'old2']);
    const source = reader(topic, { params: { auto_offset_reset: 'earliest' } });
    await source.open();
    await source.seekToEnd();
    await publishAll(topic, ['new']);
    expect((await take(source, 1)).map(text)).toEqual(['new']);
    await source.close();
  });

  it('gives every group-less reader every message', async () => {
    const topic = newTopic('fanout');
    const a = reader(topic);
    const b = reader(topic);
    await Promise.all([a.open(), b.open()]);
    await publishAll(topic, ['x', 'y']);
    expect((await take(a, 2)).map(text)).toEqual(['x', 'y']);
    expect((await take(b, 2)).map(text)).toEqual(['x', 'y']);
    await Promise.all([a.close(), b.close()]);
  });

  it('shares a topic among the readers of one group, each message once', async () => {
    const topic = newTopic('group');
    await createTopic(topic, 4);
    const group = `group-${topic}`;
    const a = reader(topic, { params: { group_id: group, auto_offset_reset: 'earliest' } });
    const b = reader(topic, { params: { group_id: group, auto_offset_reset: 'earliest' } });
    await a.open();
    await b.open();
    const sent = numbered(40);
    await publishAll(topic, sent);
    const got: string[] = [];
    const drain = async (r: typeof a) => {
      for (;;) {
        const m = await nothingWithin(r, 3000);
        if (!m) return;
        got.push(text(m));
      }
    };
    const counts = await Promise.all(
      [a, b].map(async (r) => {
        const before = got.length;
        await drain(r);
        return got.length - before;
      }),
    );
    await Promise.all([a.close(), b.close()]);
    expect([...got].sort()).toEqual([...sent].sort());
    // Both members got a share: the group really split the partitions.
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('resumes a group after the messages it settled (AT_LEAST_ONCE commits)', async () => {
    const topic = newTopic('commit');
    const group = `group-${topic}`;
    const params = { group_id: group, auto_offset_reset: 'earliest' };
    await publishAll(topic, numbered(5));
    const first = reader(topic, { params });
    await first.open();
    expect((await take(first, 3)).map(text)).toEqual(['m0', 'm1', 'm2']);
    // A received but unsettled message is not committed: it is delivered again.
    await expect(first.receive().then((m) => m && text(m))).resolves.toBe('m3');
    await first.close();
    const second = reader(topic, { params });
    await second.open();
    expect((await take(second, 2)).map(text)).toEqual(['m3', 'm4']);
    await second.close();
  });

  it('an aborted receive loses no message, and close settles a pending receive', async () => {
    const topic = newTopic('abort');
    const source = reader(topic);
    await source.open();
    const controller = new AbortController();
    const pending = source.receive({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await publishAll(topic, ['kept']);
    expect((await take(source, 1)).map(text)).toEqual(['kept']);
    const waiting = source.receive();
    await source.close();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('publishes at every consistency level and with compression', async () => {
    for (const [consistency, params] of [
      ['AT_MOST_ONCE', {}],
      ['EXACTLY_ONCE', {}],
      ['AT_LEAST_ONCE', { compression_type: 'gzip' }],
      ['AT_LEAST_ONCE', { compression_type: 'lz4', linger_ms: 5 }],
    ] as const) {
      const topic = newTopic('consistency');
      const source = reader(topic);
      await source.open();
      await publishAll(topic, ['one', 'two'], { consistency, params });
      expect((await take(source, 2)).map(text), `${consistency} ${JSON.stringify(params)}`).toEqual(
        ['one', 'two'],
      );
      await source.close();
    }
  });
});
