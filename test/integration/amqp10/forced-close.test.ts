/**
 * A broker that closes the connection with amqp:connection:forced (an operator's "close this
 * connection") is reconnected to; rhea counts that condition as not fatal. RabbitMQ 3's
 * AMQP 1.0 plugin says amqp:internal-error instead, so the broker here is a rhea container,
 * which takes user guest with the password in `broker.password`.
 */
import type { AddressInfo, Server } from 'node:net';
import rhea, { type Connection, type EventContext } from 'rhea';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../../src/errors.js';
import { bytesOf } from '../../../src/plugins/amqp10/body.js';
import { plugin } from '../../../src/plugins/amqp10/index.js';
import { Harness, text } from '../amqp091/support.js';

async function startBroker() {
  const container = rhea.create_container({ id: 'forcing-broker' });
  const received: string[] = [];
  const connections: Connection[] = [];
  const broker = { password: 'secret', logins: 0 };
  container.sasl_server_mechanisms.enable_plain((username: string, password: string) => {
    broker.logins++;
    return username === 'guest' && password === broker.password;
  });
  container.on('connection_open', (ctx: EventContext) => connections.push(ctx.connection));
  container.on('disconnected', () => undefined); // (else rhea prints each one)
  container.on('message', (ctx: EventContext) => {
    const bytes = ctx.message && bytesOf(ctx.message);
    if (bytes) received.push(new TextDecoder().decode(bytes));
  });
  const server = container.listen({ port: 0, host: '127.0.0.1' }) as Server;
  await new Promise((done) => server.once('listening', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(broker, { port, received, connections, close: () => server.close() });
}

const forced = { condition: 'amqp:connection:forced', description: 'closed by an operator' };

describe('amqp-1.0 after the broker closes the connection with amqp:connection:forced', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let h: Harness;
  beforeEach(async () => {
    broker = await startBroker();
    const reconnect = { initial_delay_ms: 50, max_delay_ms: 400 };
    h = new Harness(plugin, {
      brokers: [`127.0.0.1:${broker.port}`],
      params: { username: 'guest', password: 'secret', reconnect },
    });
  });
  afterEach(async () => {
    await h.closeAll();
    broker.close();
  });

  it('opens it again, and publishing goes on', async () => {
    const writer = await h.writer('forced');
    await writer.publish(text('before'));
    broker.connections[0]!.close(forced);
    await vi.waitFor(() => expect(broker.connections).toHaveLength(2));
    await writer.publish(text('after'));
    expect(broker.received).toEqual(['before', 'after']);
    expect(h.warnings.filter((w) => /lost.*reconnecting/.test(w))).toHaveLength(1);
  });

  it('stops reconnecting once the broker refuses the credentials: publishing fails', async () => {
    const writer = await h.writer('refused');
    broker.password = 'changed';
    broker.connections[0]!.close(forced);
    await vi.waitFor(() => expect(broker.logins).toBe(2));
    // Several backoff delays (at most 400 ms each).
    await new Promise((done) => setTimeout(done, 1_200));
    expect(broker.logins).toBe(2);
    await expect(writer.publish(text('refused'))).rejects.toBeInstanceOf(ConnectionError);
  });
});
