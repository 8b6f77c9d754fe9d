import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer, Socket } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { newTopic, reader, roundTrip, writer } from './clients.js';

/** Publishes to `held/...` wait at the broker until the test releases them. */
const held: (() => void)[] = [];
const upgrades: IncomingMessage[] = [];
let aedes: Aedes;
let port: number;
let wsPort: number;
const close: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  aedes = await Aedes.createBroker({
    maxClientsIdLength: 256,
    authorizePublish: (_client, packet, done) => {
      if (packet.topic.startsWith('held/')) held.push(() => done(null));
      else done(null);
    },
  });
  const tcp = createServer((socket) => aedes.handle(socket)).listen(0, '127.0.0.1');
  const http = createHttpServer().listen(0, '127.0.0.1');
  new WebSocketServer({ server: http }).on('connection', (socket, request) => {
    upgrades.push(request);
    aedes.handle(createWebSocketStream(socket), request);
  });
  await Promise.all([once(tcp, 'listening'), once(http, 'listening')]);
  port = (tcp.address() as AddressInfo).port;
  wsPort = (http.address() as AddressInfo).port;
  close.push(
    () => new Promise<void>((resolve) => aedes.close(() => resolve())),
    () => new Promise((resolve) => tcp.close(resolve)),
    () => new Promise((resolve) => http.close(resolve)),
  );
});
afterAll(async () => {
  for (const step of close) await step();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('mqtt publish acknowledgement (test broker)', () => {
  it.each([
    ['AT_LEAST_ONCE', 'PUBACK'],
    ['EXACTLY_ONCE', 'PUBCOMP'],
  ] as const)('%s: publish resolves only once the broker sent %s', async (consistency, _ack) => {
    const service = { type: 'mqtt', brokers: `127.0.0.1:${port}`, consistency };
    await using sink = await writer(service, { topic: `held/${newTopic('ack')}` }).open();
    let resolved = false;
    const publishing = sink.publish(Uint8Array.of(1)).then(() => {
      resolved = true;
    });
    await until(() => held.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toBe(false);
    held.shift()!();
    await publishing;
    expect(resolved).toBe(true);
  });

  it('max_inflight_messages bounds the QoS 1 publishes awaiting acknowledgement', async () => {
    const service = {
      type: 'mqtt',
      brokers: `127.0.0.1:${port}`,
      consistency: 'AT_LEAST_ONCE',
      type_spec: { max_inflight_messages: { inflight: 2 } },
    };
    await using sink = await writer(service, { topic: `held/${newTopic('inflight')}` }).open();
    let done = 0;
    const all = Array.from({ length: 5 }, () => sink.publish(Uint8Array.of(1)).then(() => done++));
    let most = 0;
    while (done < 5) {
      await until(() => held.length > 0 || done === 5);
      most = Math.max(most, held.length);
      await new Promise((resolve) => setTimeout(resolve, 50));
      most = Math.max(most, held.length);
      held.shift()?.();
    }
    await Promise.all(all);
    expect(most).toBe(2);
  });
});

describe('mqtt sockets (test broker)', () => {
  it('send at once: Nagle is off on the reader and writer connections', async () => {
    const tuned: number[] = [];
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay').mockImplementation(function (
      this: Socket,
      noDelay?: boolean,
    ) {
      if (noDelay !== false && this.remotePort === port) tuned.push(this.localPort ?? 0);
      return this;
    });
    try {
      const service = { type: 'mqtt', brokers: `127.0.0.1:${port}` };
      const topic = newTopic('nodelay');
      await using _source = await reader(service, { topics: topic }).open();
      await using _sink = await writer(service, { topic }).open();
      expect(new Set(tuned).size).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('mqtt over WebSocket (test broker)', () => {
  it('uses the path and headers of ws_set_options', async () => {
    const service = {
      type: 'mqtt',
      brokers: `127.0.0.1:${wsPort}`,
      type_spec: {
        transport: 'websockets',
        ws_set_options: { path: '/mqtt-here', headers: { 'X-Sinetstream-Test': 'yes' } },
      },
    };
    upgrades.length = 0;
    expect(await roundTrip(service)).toEqual(['hello']);
    expect(upgrades.map((request) => request.url)).toEqual(['/mqtt-here', '/mqtt-here']);
    expect(upgrades.map((request) => request.headers['x-sinetstream-test'])).toEqual([
      'yes',
      'yes',
    ]);
  });
});
