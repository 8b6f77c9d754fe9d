/**
 * What the AMQP 1.0 plugin does beyond plain send/receive: durable subscriptions,
 * permissions and TLS on Artemis (scripts/artemis), and delivery outcomes from a tiny rhea
 * server that rejects or releases on purpose.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import rhea from 'rhea';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationError, ConnectionError, PublishError } from '../../../src/errors.js';
import { plugin } from '../../../src/plugins/amqp10/index.js';
import { BROKERS_DIR, Harness, next, requireBroker, text, unique } from '../amqp091/support.js';

const h = new Harness(plugin, { brokers: ['127.0.0.1:5682'] });
afterEach(() => h.closeAll());

describe('amqp-1.0 on Artemis', () => {
  beforeAll(() => requireBroker('127.0.0.1', 5682, 'scripts/artemis/setup.sh'));

  it('a durable subscription keeps what was sent while its reader was away', async () => {
    const topic = unique('notifications');
    const clientId = unique('client-1'); // the container id the subscription hangs on
    const params = { address_type: 'topic', durable: true, subscription_name: 'sub-1' };
    const first = await h.reader([topic], { clientId, params });
    const writer = await h.writer(topic, { params: { address_type: 'topic' } });
    await writer.publish(text('while here'));
    expect((await next(first)).text).toBe('while here');
    await first.close();
    await writer.publish(text('while away'));
    const again = await h.reader([topic], { clientId, params });
    expect((await next(again)).text).toBe('while away');
  });

  it('bob may read but not send: AuthorizationError', async () => {
    const bob = { username: 'bob', password: 'bob123' };
    const queue = unique('q');
    await (await h.writer(queue)).publish(text('for bob'));
    expect((await next(await h.reader([queue], { params: bob }))).text).toBe('for bob');
    const refused = h.writer(queue, { params: bob }).then((w) => w.publish(text('from bob')));
    await expect(refused).rejects.toBeInstanceOf(AuthorizationError);
    await expect(refused).rejects.toMatchObject({
      code: 'amqp:unauthorized-access',
      retriable: false,
    });
  });

  it('TLS with the CA and server name check', async () => {
    const tls = { ca_certs: resolve(BROKERS_DIR, 'artemis/tls/ca.pem') };
    const queue = unique('tls');
    const writer = await h.writer(queue, { brokers: ['amqps://localhost:5681'], tls });
    await writer.publish(text('over tls'));
    expect((await next(await h.reader([queue]))).text).toBe('over tls');
    const wrongName = { server_name: 'elsewhere.example', reconnect: false };
    await expect(
      h.writer(queue, { brokers: ['amqps://localhost:5681'], tls, params: wrongName }),
    ).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('amqp-1.0 delivery outcomes', () => {
  const outcome = new Map<string, 'reject' | 'release' | 'accept'>();
  const server = rhea.create_container({ id: 'outcome-server' });
  server.on('message', (ctx) => {
    const delivery = ctx.delivery!;
    const what = outcome.get(String(ctx.receiver?.target?.address)) ?? 'accept';
    if (what === 'reject')
      delivery.reject({ condition: 'amqp:precondition-failed', description: 'no thanks' });
    else if (what === 'release') delivery.release();
    else delivery.accept();
  });
  const listener = server.listen({ port: 0, host: '127.0.0.1' });
  const broker = () => `127.0.0.1:${(listener.address() as AddressInfo).port}`;
  afterAll(() => listener.close());

  it('accepted resolves, rejected and released reject with PublishError', async () => {
    outcome.set('no', 'reject');
    outcome.set('later', 'release');
    const sasl = { sasl: false };
    const ok = await h.writer('yes', { brokers: [broker()], params: sasl });
    await expect(ok.publish(text('x'))).resolves.toBeUndefined();
    const rejected = await h.writer('no', { brokers: [broker()], params: sasl });
    await expect(rejected.publish(text('x'))).rejects.toThrow(/rejected.*no thanks/);
    const released = await h.writer('later', { brokers: [broker()], params: sasl });
    await expect(released.publish(text('x'))).rejects.toBeInstanceOf(PublishError);
  });
});
