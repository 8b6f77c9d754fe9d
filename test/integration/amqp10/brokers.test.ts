/**
 * The amqp-1.0 plugin against two different brokers, to show it is not tied to one:
 * ActiveMQ Artemis (scripts/artemis) and RabbitMQ's AMQP 1.0 plugin (scripts/rabbitmq).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationError, ConnectionError, InvalidArgumentError } from '../../../src/errors.js';
import { plugin } from '../../../src/plugins/amqp10/index.js';
import { Harness, next, requireBroker, text, texts, unique } from '../amqp091/support.js';

const brokers = [
  {
    name: 'Artemis',
    host: '127.0.0.1',
    port: 5682,
    script: 'scripts/artemis/setup.sh',
    queue: {},
    topic: { address_type: 'topic' },
  },
  {
    name: 'RabbitMQ',
    host: '127.0.0.1',
    port: 5672,
    script: 'scripts/rabbitmq/setup.sh',
    // RabbitMQ 3.x names nodes by kind: /queue/<name>, /topic/<key> (amq.topic).
    queue: { address_prefix: '/queue/' },
    topic: { address_prefix: '/topic/', address_type: 'topic' },
  },
];

describe.each(brokers)('amqp-1.0 on $name', (broker) => {
  const h = new Harness(plugin, { brokers: [`${broker.host}:${broker.port}`] });
  beforeAll(() => requireBroker(broker.host, broker.port, broker.script));
  afterEach(() => h.closeAll());

  it('a queue hands each message to a reader, in order, and keeps what came before it', async () => {
    const queue = unique('q');
    const writer = await h.writer(queue, { params: broker.queue });
    await writer.publish(text('early'));
    const reader = await h.reader([queue], { params: broker.queue });
    await writer.publish(text('late'));
    expect(await texts(reader, 2)).toEqual(['early', 'late']);
  });

  it('a topic gives every subscriber every message', async () => {
    const topic = unique('news');
    const readers = [
      await h.reader([topic], { params: broker.topic }),
      await h.reader([topic], { params: broker.topic }),
    ];
    const writer = await h.writer(topic, { params: broker.topic });
    await writer.publish(text('1'));
    await writer.publish(text('2'));
    for (const reader of readers) expect(await texts(reader, 2)).toEqual(['1', '2']);
  });

  it('AT_LEAST_ONCE: a message the reader never accepted goes to the next reader', async () => {
    const queue = unique('work');
    const lazy = await h.reader([queue], { params: { ...broker.queue, prefetch: 1 } });
    await (await h.writer(queue, { params: broker.queue })).publish(text('job'));
    expect((await next(lazy, false)).text).toBe('job');
    await lazy.close();
    const sober = await h.reader([queue], { params: broker.queue });
    expect((await next(sober)).text).toBe('job');
  });

  it('AT_MOST_ONCE: a delivered message is gone even if the reader dies', async () => {
    const queue = unique('fire');
    const params = broker.queue;
    const lazy = await h.reader([queue], { params, consistency: 'AT_MOST_ONCE' });
    const writer = await h.writer(queue, { params, consistency: 'AT_MOST_ONCE' });
    await writer.publish(text('once'));
    expect((await next(lazy)).text).toBe('once');
    await lazy.close();
    const sober = await h.reader([queue], { params });
    await writer.publish(text('next'));
    expect((await next(sober)).text).toBe('next');
  });

  it('AT_MOST_ONCE: a reader goes on past 2048 messages (rhea session window)', async () => {
    const queue = unique('many');
    const params = broker.queue;
    const reader = await h.reader([queue], { params, consistency: 'AT_MOST_ONCE' });
    const writer = await h.writer(queue, { params, consistency: 'AT_MOST_ONCE' });
    const count = 2100;
    for (let i = 0; i < count; i++) await writer.publish(text(String(i)));
    const got = await texts(reader, count);
    expect(got.at(-1)).toBe(String(count - 1));
  });

  it('brokers may be URLs; the first that answers is used', async () => {
    const queue = unique('url');
    const urls = ['amqp://127.0.0.1:1', `amqp://${broker.host}:${broker.port}`];
    const writer = await h.writer(queue, { brokers: urls, params: broker.queue });
    await writer.publish(text('via url'));
    expect((await next(await h.reader([queue], { params: broker.queue }))).text).toBe('via url');
  });

  it('reconnect: false still tries each broker of the list once when opening', async () => {
    const queue = unique('failover-once');
    const params = { ...broker.queue, reconnect: false };
    const brokers = ['127.0.0.1:1', `${broker.host}:${broker.port}`];
    const writer = await h.writer(queue, { brokers, params });
    await writer.publish(text('second broker'));
    expect((await next(await h.reader([queue], { params: broker.queue }))).text).toBe(
      'second broker',
    );
  });

  it('SASL: ANONYMOUS and PLAIN both work when allowed', async () => {
    const queue = unique('sasl');
    const anonymous = { ...broker.queue, sasl_mechanisms: ['ANONYMOUS'] };
    const plain = {
      ...broker.queue,
      username: 'guest',
      password: 'guest',
      sasl_mechanisms: 'PLAIN',
    };
    await (await h.writer(queue, { params: anonymous })).publish(text('anon'));
    expect((await next(await h.reader([queue], { params: plain }))).text).toBe('anon');
  });

  it('a wrong password is an AuthorizationError that does not show the password', async () => {
    const params = { username: 'guest', password: 'Wr0ngSecret', reconnect: false };
    const opening = h.writer('x', { params });
    await expect(opening).rejects.toBeInstanceOf(AuthorizationError);
    await expect(opening).rejects.not.toThrow(/Wr0ngSecret/);
    await expect(opening).rejects.toMatchObject({
      code: 'amqp:unauthorized-access',
      retriable: false,
    });
  });
});

describe('amqp-1.0 settings', () => {
  const h = new Harness(plugin, { brokers: ['127.0.0.1:5682'] });
  afterEach(() => h.closeAll());

  it('no broker there: ConnectionError', async () => {
    const opening = h.writer('x', {
      brokers: ['amqp://127.0.0.1:1'],
      params: { reconnect: false },
    });
    await expect(opening).rejects.toBeInstanceOf(ConnectionError);
    await expect(opening).rejects.toMatchObject({ code: 'ECONNREFUSED', retriable: true });
  });

  it('a mechanism rhea cannot do is an InvalidArgumentError naming it', async () => {
    const opening = h.writer('x', { params: { sasl_mechanisms: ['GSSAPI'] } });
    await expect(opening).rejects.toThrow(InvalidArgumentError);
    await expect(opening).rejects.toThrow(/sasl_mechanisms: "GSSAPI"/);
  });

  it('credentials in a broker URL are refused without echoing them', async () => {
    const opening = h.writer('x', { brokers: ['amqp://guest:S3cret@127.0.0.1:5682'] });
    await expect(opening).rejects.toThrow(InvalidArgumentError);
    await expect(opening).rejects.not.toThrow(/S3cret/);
  });
});
