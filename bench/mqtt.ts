/**
 * MQTT publish throughput: SINETStream's MessageWriter, and the mqtt plugin alone (its SPI
 * writer, no envelope), against raw MQTT.js sending the same payload to the same Mosquitto
 * (scripts/mosquitto/setup.sh), in the same run. The two ratios split the cost between core
 * (envelope, metrics) and the plugin.
 * `npx tsx bench/mqtt.ts`. Loopback only; every loop is bounded.
 */
import mqtt from 'mqtt';
import { MessageWriter } from '../src/index.js';
import { plugin } from '../src/plugins/mqtt/index.js';
import { createWriterContext } from '../src/testing/plugin-context.js';

const BROKER = '127.0.0.1:1883';
const WINDOW = 64; // publishes kept in flight, for both clients
const ROUNDS = 5; // best of, alternating the two clients
const CASES = [
  { size: 100, count: 10_000 },
  { size: 1024, count: 10_000 },
  { size: 64 * 1024, count: 1_000 },
];

type Publish = (payload: Uint8Array) => Promise<unknown>;

/** Seconds to publish `count` payloads with at most WINDOW unsettled. */
async function run(publish: Publish, payload: Uint8Array, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  let sent = 0;
  const lane = async () => {
    while (sent < count) {
      sent++;
      await publish(payload);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function raw(qos: 0 | 1): Promise<{ publish: Publish; close(): Promise<void> }> {
  const client = await mqtt.connectAsync(`mqtt://${BROKER}`, { reconnectPeriod: 0 }, false);
  const topic = `bench/raw/${process.pid}`;
  return {
    publish: (payload) => client.publishAsync(topic, Buffer.from(payload), { qos }),
    close: () => client.endAsync(),
  };
}

async function ours(qos: 0 | 1): Promise<{ publish: Publish; close(): Promise<void> }> {
  const writer = await new MessageWriter({
    noConfig: true,
    type: 'mqtt',
    brokers: BROKER,
    topic: `bench/ours/${process.pid}`,
    consistency: qos === 0 ? 'AT_MOST_ONCE' : 'AT_LEAST_ONCE',
  }).open();
  return { publish: (payload) => writer.publish(payload), close: () => writer.close() };
}

async function pluginOnly(qos: 0 | 1): Promise<{ publish: Publish; close(): Promise<void> }> {
  // The context core would build: parameters checked, with their defaults.
  const context = await createWriterContext(plugin, `bench/plugin/${process.pid}`, {
    service: 'bench',
    brokers: [BROKER],
    consistency: qos === 0 ? 'AT_MOST_ONCE' : 'AT_LEAST_ONCE',
    clientId: `bench-plugin-${process.pid}`,
  });
  const writer = plugin.createWriter(context);
  await writer.open();
  return { publish: (payload) => writer.publish(payload), close: () => writer.close() };
}

function rate(seconds: number, count: number, size: number): string {
  const perSecond = count / seconds;
  return `${Math.round(perSecond).toString().padStart(7)} msg/s ${((perSecond * size) / 2 ** 20).toFixed(1).padStart(7)} MiB/s`;
}

async function main(): Promise<void> {
  try {
    await (await raw(0)).close();
  } catch (error) {
    throw new Error(`no Mosquitto on ${BROKER}: run scripts/mosquitto/setup.sh first`, {
      cause: error,
    });
  }
  console.log(
    `MQTT publish, ${WINDOW} in flight, best of ${ROUNDS}; ours = MessageWriter (SINETStream envelope)`,
  );
  for (const qos of [0, 1] as const) {
    for (const { size, count } of CASES) {
      const payload = new Uint8Array(size).fill(0x5a);
      const best = { raw: Infinity, plugin: Infinity, ours: Infinity };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, open] of [
          ['raw', raw],
          ['plugin', pluginOnly],
          ['ours', ours],
        ] as const) {
          const client = await open(qos);
          await run(client.publish, payload, Math.min(count, 500)); // warm-up
          best[name] = Math.min(best[name], await run(client.publish, payload, count));
          await client.close();
        }
      }
      const label = `QoS ${qos} ${String(size).padStart(5)} B`;
      console.log(
        `${label}  raw ${rate(best.raw, count, size)} | ours ${rate(best.ours, count, size)} | ratio ${(best.raw / best.ours).toFixed(3)} (plugin alone ${(best.raw / best.plugin).toFixed(3)})`,
      );
    }
  }
}

await main();
