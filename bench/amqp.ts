/**
 * Ours vs the raw client on the same broker, same run: AT_LEAST_ONCE publishes (confirms /
 * accepted outcomes) of N messages, then reading them back, for 100 B, 1 KiB and 64 KiB.
 * Needs scripts/rabbitmq/setup.sh and scripts/artemis/setup.sh. Usage: npx tsx bench/amqp.ts
 */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import rhea from 'rhea';
import { plugin as amqp10 } from '../src/plugins/amqp10/index.js';
import { plugin as amqp091 } from '../src/plugins/amqp091/index.js';
import type { BrokerPlugin } from '../src/spi/types.js';

const SIZES = [100, 1024, 64 * 1024];
const COUNT = Number(process.env.BENCH_COUNT ?? 2000);

function context(plugin: BrokerPlugin, broker: string, params: Record<string, unknown>) {
  return {
    service: 'bench',
    type: plugin.type,
    brokers: [broker],
    consistency: 'AT_LEAST_ONCE' as const,
    clientId: randomUUID(),
    tls: undefined,
    params,
    logger: { warn: console.warn },
  };
}

/** Ours: publishes COUNT messages (at most 100 in flight) then reads them back. */
async function ours(
  plugin: BrokerPlugin,
  broker: string,
  params: Record<string, unknown>,
  size: number,
) {
  const topic = `bench-${randomUUID().slice(0, 8)}`;
  const base = context(plugin, broker, params);
  const reader = plugin.createReader({ ...base, topics: [topic], receiveTimeoutMs: Infinity });
  await reader.open();
  const writer = plugin.createWriter({ ...base, topic });
  await writer.open();
  const payload = new Uint8Array(size);
  const start = performance.now();
  for (let i = 0; i < COUNT; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, COUNT - i) }, () => writer.publish(payload)),
    );
  }
  for (let i = 0; i < COUNT; i++) await (await reader.receive())!.settle?.();
  const ms = performance.now() - start;
  await writer.close();
  await reader.close();
  return ms;
}

async function rawAmqplib(size: number) {
  const queue = `bench-${randomUUID().slice(0, 8)}`;
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const pub = await connection.createConfirmChannel();
  const sub = await connection.createChannel();
  await pub.assertQueue(queue, { durable: true, arguments: { 'x-expires': 60_000 } });
  await sub.prefetch(100);
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  await sub.consume(queue, (m) => {
    if (!m) return;
    sub.ack(m);
    if (++got === COUNT) done();
  });
  const payload = Buffer.alloc(size);
  const start = performance.now();
  for (let i = 0; i < COUNT; i += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, COUNT - i) },
        () =>
          new Promise<void>((resolve, reject) =>
            pub.sendToQueue(queue, payload, { persistent: true }, (err) =>
              err ? reject(err) : resolve(),
            ),
          ),
      ),
    );
  }
  await all;
  const ms = performance.now() - start;
  await connection.close();
  return ms;
}

async function rawRhea(size: number) {
  const address = `bench-${randomUUID().slice(0, 8)}`;
  const connection = rhea
    .create_container()
    .connect({ host: '127.0.0.1', port: 5682, username: 'guest', password: 'guest' });
  const receiver = connection.open_receiver({
    source: { address, capabilities: ['queue'] },
    credit_window: 100,
  });
  const sender = connection.open_sender({ target: { address, capabilities: ['queue'] } });
  await new Promise((resolve) => sender.once('sendable', resolve));
  let got = 0;
  const all = new Promise<void>((resolve) =>
    receiver.on('message', () => ++got === COUNT && resolve()),
  );
  const payload = rhea.message.data_section(Buffer.alloc(size));
  const start = performance.now();
  let accepted = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (sent < COUNT && sender.sendable() && sent - accepted < 100) {
        sender.send({ body: payload, durable: true });
        sent++;
      }
    };
    sender.on('accepted', () => (++accepted === COUNT ? resolve() : pump()));
    sender.on('sendable', pump);
    pump();
  });
  await all;
  const ms = performance.now() - start;
  connection.close();
  return ms;
}

const q091 = { queue_arguments: { 'x-expires': 60_000 } };
// Warm-up (JIT, connections, broker caches): not reported.
await ours(amqp091, '127.0.0.1:5672', q091, 100);
await rawAmqplib(100);
await ours(amqp10, '127.0.0.1:5682', {}, 100);
await rawRhea(100);
console.log(`${COUNT} messages each, AT_LEAST_ONCE, publish then read back (loopback)`);
for (const size of SIZES) {
  const a = await ours(amqp091, '127.0.0.1:5672', q091, size);
  const b = await rawAmqplib(size);
  const c = await ours(amqp10, '127.0.0.1:5682', {}, size);
  const d = await rawRhea(size);
  console.log(
    `${String(size).padStart(6)} B  amqp-0.9.1 ours ${a.toFixed(0)} ms / amqplib ${b.toFixed(0)} ms = ${(a / b).toFixed(2)}x` +
      `   amqp-1.0 ours ${c.toFixed(0)} ms / rhea ${d.toFixed(0)} ms = ${(c / d).toFixed(2)}x`,
  );
}
