/**
 * The scenarios of the RabbitMQ sample users know (hello world, work queue, pub/sub,
 * routing, topics), through the plugin SPI against the RabbitMQ of scripts/rabbitmq.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plugin } from '../../../src/plugins/amqp091/index.js';
import { Harness, next, requireBroker, text, texts, unique } from './support.js';

// x-expires: the broker drops test queues a minute after their last use.
const h = new Harness(plugin, {
  brokers: ['127.0.0.1:5672'],
  params: { queue_arguments: { 'x-expires': 60_000 } },
});

beforeAll(() => requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh'));
afterEach(() => h.closeAll());

describe('amqp-0.9.1 on RabbitMQ: the sample scenarios', () => {
  it('hello world: the topic names a queue on the default exchange', async () => {
    const queue = unique('hello');
    const reader = await h.reader([queue]);
    const writer = await h.writer(queue);
    await writer.publish(text('Hello World!'));
    expect(await next(reader)).toMatchObject({ text: 'Hello World!', topic: queue });
  });

  it('AT_MOST_ONCE: close delivers what was published just before it', async () => {
    const queue = unique('hello');
    const reader = await h.reader([queue]);
    const writer = await h.writer(queue, { consistency: 'AT_MOST_ONCE' });
    await writer.publish(text('last words'));
    await writer.close();
    expect((await next(reader)).text).toBe('last words');
  });

  it('a writer declares the queue, so messages sent before any reader are kept', async () => {
    const queue = unique('hello');
    const writer = await h.writer(queue);
    await writer.publish(text('early'));
    const reader = await h.reader([queue]);
    expect((await next(reader)).text).toBe('early');
  });

  it('work queue: with prefetch 1 a busy worker gets nothing more until it acks', async () => {
    const queue = unique('task_queue');
    const params = { prefetch: 1, persistent: true };
    const busy = await h.reader([queue], { params });
    const writer = await h.writer(queue, { params });
    await writer.publish(text('1'));
    const first = await next(busy, false); // holds message 1 without acking
    expect(first.text).toBe('1');
    const free = await h.reader([queue], { params });
    for (const n of ['2', '3', '4']) await writer.publish(text(n));
    // Were prefetch ignored, round-robin would hand some of these to `busy` and this would hang.
    expect(await texts(free, 3)).toEqual(['2', '3', '4']);
    await first.message.settle?.();
  });

  it('work queue: a reader that dies before acking gives its message to the other', async () => {
    const queue = unique('task_queue');
    const lazy = await h.reader([queue], { params: { prefetch: 1 } });
    const writer = await h.writer(queue);
    await writer.publish(text('1:Hello!'));
    expect((await next(lazy, false)).text).toBe('1:Hello!');
    await lazy.close(); // exits without acking
    const sober = await h.reader([queue], { params: { prefetch: 1 } });
    await writer.publish(text('2:Hello!'));
    expect(await texts(sober, 2)).toEqual(['1:Hello!', '2:Hello!']);
  });

  it('work queue: with AT_MOST_ONCE (auto ack) the dead reader takes its message along', async () => {
    const queue = unique('task_queue');
    const lazy = await h.reader([queue], { consistency: 'AT_MOST_ONCE' });
    const writer = await h.writer(queue);
    await writer.publish(text('1:Hello!'));
    expect((await next(lazy)).text).toBe('1:Hello!');
    await lazy.close();
    const sober = await h.reader([queue]);
    await writer.publish(text('2:Hello!'));
    expect((await next(sober)).text).toBe('2:Hello!');
  });

  it('publish/subscribe: every reader of a fanout exchange gets every message', async () => {
    const exchange = unique('logs');
    const params = { exchange, exchange_type: 'fanout' };
    const readers = [await h.reader(['logs'], { params }), await h.reader(['logs'], { params })];
    const writer = await h.writer('anything', { params });
    for (const n of [1, 2, 3]) await writer.publish(text(`${n}:Hello World!`));
    for (const reader of readers) {
      expect(await texts(reader, 3)).toEqual([
        '1:Hello World!',
        '2:Hello World!',
        '3:Hello World!',
      ]);
    }
  });

  it('routing: a direct exchange delivers by routing key', async () => {
    const exchange = unique('direct_logs');
    const params = { exchange, exchange_type: 'direct' };
    const errors = await h.reader(['error'], { params });
    const infos = await h.reader(['info'], { params });
    await (await h.writer('error', { params })).publish(text('E1'));
    await (await h.writer('info', { params })).publish(text('I1'));
    await (await h.writer('error', { params })).publish(text('E2'));
    expect(await texts(errors, 2)).toEqual(['E1', 'E2']);
    expect(await next(infos)).toMatchObject({ text: 'I1', topic: 'info' });
  });

  it('topics: `*` matches one word and `#` any number', async () => {
    const exchange = unique('topic_logs');
    const params = { exchange, exchange_type: 'topic' };
    const tokyo = await h.reader(['jp.lg.tokyo'], { params });
    const chiba = await h.reader(['jp.lg.chiba'], { params });
    const all = await h.reader(['jp.lg.#'], { params });
    const anyTokyo = await h.reader(['jp.*.tokyo'], { params });
    for (const key of ['jp.lg.chiba', 'jp.lg.tokyo', 'jp.go.tokyo']) {
      await (await h.writer(key, { params })).publish(text(key));
    }
    expect((await next(tokyo)).text).toBe('jp.lg.tokyo');
    expect((await next(chiba)).text).toBe('jp.lg.chiba');
    expect(await texts(all, 2)).toEqual(['jp.lg.chiba', 'jp.lg.tokyo']);
    expect(await texts(anyTokyo, 2)).toEqual(['jp.lg.tokyo', 'jp.go.tokyo']);
  });

  it('a reader of several topics binds each and tells which one a message came by', async () => {
    const exchange = unique('multi');
    const params = { exchange, exchange_type: 'direct' };
    const reader = await h.reader(['a', 'b'], { params });
    await (await h.writer('b', { params })).publish(text('to b'));
    await (await h.writer('a', { params })).publish(text('to a'));
    expect((await next(reader)).topic).toBe('b');
    expect((await next(reader)).topic).toBe('a');
  });
});
