/**
 * Permissions, mandatory routing, TLS and reconnection of the amqp-0.9.1 plugin against the
 * RabbitMQ of scripts/rabbitmq (users alice/alice123 and bob/bob123 on vhost domain1).
 */
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthorizationError, ConnectionError, PublishError } from '../../../src/errors.js';
import { plugin } from '../../../src/plugins/amqp091/index.js';
import { BROKERS_DIR, Harness, next, requireBroker, script, text, unique } from './support.js';

const h = new Harness(plugin, {
  brokers: ['127.0.0.1:5672'],
  params: { queue_arguments: { 'x-expires': 60_000 } },
});
const alice = { vhost: 'domain1', username: 'alice', password: 'alice123' };
const bob = { vhost: 'domain1', username: 'bob', password: 'bob123' };
const caCerts = resolve(BROKERS_DIR, 'rabbitmq/tls/ca.pem');

beforeAll(() => requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh'));
afterEach(async () => {
  await h.closeAll();
  h.warnings.length = 0;
});

describe('amqp-0.9.1 permissions (alice may write, bob may only read)', () => {
  it('bob reads what alice wrote, from a queue he does not declare', async () => {
    const queue = unique('hello');
    const writer = await h.writer(queue, { params: alice });
    await writer.publish(text('Hello World!'));
    const reader = await h.reader([queue], { params: { ...bob, queue_declare: false } });
    expect((await next(reader)).text).toBe('Hello World!');
  });

  it('bob publishing is an AuthorizationError', async () => {
    const writer = await h.writer(unique('hello'), { params: { ...bob, queue_declare: false } });
    const publishing = writer.publish(text('not allowed'));
    await expect(publishing).rejects.toBeInstanceOf(AuthorizationError);
    await expect(publishing).rejects.toThrow(/ACCESS_REFUSED/);
    await expect(publishing).rejects.toMatchObject({ code: 403, retriable: false });
  });

  it('bob declaring a queue is an AuthorizationError at open', async () => {
    const opening = h.reader([unique('hello')], { params: bob });
    await expect(opening).rejects.toBeInstanceOf(AuthorizationError);
    await expect(opening).rejects.toMatchObject({ code: 403, retriable: false });
  });

  it('a wrong password is an AuthorizationError that does not show the password', async () => {
    const opening = h.writer('x', { params: { ...alice, password: 'Wr0ngSecret' } });
    await expect(opening).rejects.toBeInstanceOf(AuthorizationError);
    await expect(opening).rejects.not.toThrow(/Wr0ngSecret/);
    await expect(opening).rejects.toMatchObject({ code: 403, retriable: false });
  });

  it('a broker that is not there is a ConnectionError', async () => {
    const opening = h.writer('x', { brokers: ['127.0.0.1:1'], params: { reconnect: false } });
    await expect(opening).rejects.toBeInstanceOf(ConnectionError);
    await expect(opening).rejects.toMatchObject({ code: 'ECONNREFUSED', retriable: true });
  });

  it('failover: the next broker of the list is tried', async () => {
    const queue = unique('failover');
    const writer = await h.writer(queue, { brokers: ['127.0.0.1:1', '127.0.0.1:5672'] });
    await writer.publish(text('via the second'));
    expect((await next(await h.reader([queue]))).text).toBe('via the second');
  });
});

describe('amqp-0.9.1 publish outcomes (confirms)', () => {
  it('mandatory: a message no queue is bound for rejects the publish', async () => {
    const params = { exchange: unique('nobody'), exchange_type: 'direct', mandatory: true };
    const writer = await h.writer('nowhere', { params });
    await expect(writer.publish(text('lost'))).rejects.toThrow(PublishError);
  });

  it('without mandatory the same publish resolves (the broker drops it)', async () => {
    const params = { exchange: unique('nobody'), exchange_type: 'direct' };
    const writer = await h.writer('nowhere', { params });
    await expect(writer.publish(text('dropped'))).resolves.toBeUndefined();
  });

  it('a missing exchange rejects with the broker reason, and the writer goes on', async () => {
    const exchange = unique('missing');
    const writer = await h.writer('k', { params: { exchange, exchange_declare: false } });
    await expect(writer.publish(text('x'))).rejects.toThrow(/PublishError|NOT_FOUND/);
    await expect(writer.publish(text('x'))).rejects.toBeInstanceOf(PublishError);
  });
});

describe('amqp-0.9.1 TLS', () => {
  const tls = (more: Record<string, unknown> = {}) => ({ ca_certs: caCerts, ...more });

  it('talks to the broker when its certificate is signed by the CA and names the host', async () => {
    const queue = unique('tls');
    const writer = await h.writer(queue, { brokers: ['localhost'], tls: tls() });
    await writer.publish(text('secret'));
    const reader = await h.reader([queue], { brokers: ['localhost:5671'], tls: tls() });
    expect((await next(reader)).text).toBe('secret');
  });

  it('refuses a certificate that no trusted CA signed', async () => {
    const opening = h.writer('x', { brokers: ['localhost'], tls: {} });
    await expect(opening).rejects.toBeInstanceOf(ConnectionError);
  });

  it('checks the server name, unless check_hostname is off', async () => {
    const params = { server_name: 'not-the-broker.example' };
    await expect(h.writer('x', { brokers: ['localhost'], tls: tls(), params })).rejects.toThrow(
      /not-the-broker|altnames|Hostname/i,
    );
    const lax = tls({ check_hostname: false });
    await expect(
      h.writer('x', { brokers: ['localhost'], tls: lax, params }),
    ).resolves.toBeDefined();
  });
});

describe('amqp-0.9.1 reconnection', () => {
  const cut = () =>
    script('scripts/rabbitmq/ctl.sh', 'close_all_connections', '--vhost', 'reconnect', 'test cut');
  const params = { vhost: 'reconnect', reconnect: { initial_delay_ms: 50, max_delay_ms: 500 } };

  it('reader and writer come back after the broker drops their connections, losing nothing', async () => {
    const queue = unique('reconnect');
    const reader = await h.reader([queue], { params });
    const writer = await h.writer(queue, { params });
    await writer.publish(text('before'));
    expect((await next(reader)).text).toBe('before');
    // A stream with up to 10 publishes in flight runs through the cut: what the broker had not
    // confirmed when the connection died is sent again on the next one, so every one resolves.
    const racing: string[] = [];
    const publishes: Promise<void>[] = [];
    let cutting = true;
    const streaming = (async () => {
      for (let i = 0; cutting || i < 20; i++) {
        racing.push(`racing ${i}`);
        publishes.push(writer.publish(text(`racing ${i}`)));
        await publishes[i - 10]?.catch(() => {});
      }
    })();
    await cut();
    cutting = false;
    await streaming;
    await Promise.all(publishes);
    await vi.waitFor(() =>
      expect(h.warnings.filter((w) => /reconnecting/.test(w))).toHaveLength(2),
    );
    await writer.publish(text('after'));
    // A message sent again, or whose ack the cut lost ('before'), may come twice; none may be
    // missing.
    const expected = [...racing, 'after'];
    const received = new Set<string>();
    while (!expected.every((t) => received.has(t))) received.add((await next(reader)).text);
    received.delete('before');
    expect(received).toEqual(new Set(expected));
  });

  it('close() while the connection is down rejects a waiting publish with ConnectionError', async () => {
    const writer = await h.writer(unique('down'), {
      params: { ...params, reconnect: { initial_delay_ms: 60_000, max_delay_ms: 60_000 } },
    });
    await cut();
    await vi.waitFor(() => expect(h.warnings.some((w) => /reconnecting/.test(w))).toBe(true));
    const waiting = writer.publish(text('never sent'));
    await writer.close();
    await expect(waiting).rejects.toBeInstanceOf(ConnectionError);
  });

  it('with reconnect: false a reader fails with ConnectionError', async () => {
    const reader = await h.reader([unique('once')], { params: { ...params, reconnect: false } });
    const failing = expect(reader.receive()).rejects.toBeInstanceOf(ConnectionError);
    await cut();
    await failing;
  });

  it('close settles a pending receive with undefined', async () => {
    const reader = await h.reader([unique('idle')]);
    const receiving = reader.receive();
    await reader.close();
    await expect(receiving).resolves.toBeUndefined();
  });

  it('an aborted receive loses no message', async () => {
    const queue = unique('abort');
    const reader = await h.reader([queue]);
    const controller = new AbortController();
    const receiving = reader.receive({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(receiving).rejects.toThrow('stop');
    await (await h.writer(queue)).publish(text('kept'));
    expect((await next(reader)).text).toBe('kept');
  });
});
