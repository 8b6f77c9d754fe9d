/**
 * Interoperability with SINETStream 1.10 (Python, from PyPI) through the real brokers, with
 * ONE shared `.sinetstream_config.yml` (v3) in a temp dir: the Python side finds it as its
 * working directory's file, ours gets it as `configFile`. For MQTT (Mosquitto, 127.0.0.1:1883)
 * and Kafka (127.0.0.1:9092), for every service in the file (plain, AES-256 GCM, AES-256
 * CBC + pkcs7, gzip with AT_LEAST_ONCE and a type_spec, zstd + AES-128 EAX, gzip file format
 * (wbits 31) + AES-192 OPENPGP with kafka-python names ours maps or warns about; byte_array and
 * text; see config.ts), both ways:
 *   Python MessageWriter -> our MessageReader, and our MessageWriter -> Python MessageReader,
 * comparing values and timestamps. Each reader is subscribed before the writer starts.
 *
 * Needs scripts/python/setup.sh, scripts/mosquitto/setup.sh and scripts/kafka/setup.sh;
 * without them every case fails saying which to run.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Message, MessageReader, MessageWriter } from '../../../src/index.js';
import { createTopic } from '../../integration/kafka/helpers.js';
import { isListeningAt } from '../../support/net.js';
import {
  BROKERS,
  type Broker,
  type Case,
  cases,
  messages,
  type Sent,
  uniqueTopic,
  writeSharedConfig,
} from './config.js';
import { fromPy, type PyReply, PythonDriver, requireVenv, toPy } from './driver.js';

type Value = string | Uint8Array;

const SETUP_SCRIPT: Readonly<Record<Broker, string>> = {
  mqtt: 'scripts/mosquitto/setup.sh',
  kafka: 'scripts/kafka/setup.sh',
};
/** How long a reader waits for a message or a subscription, and the driver for a reply. */
const WAIT_MS = 20_000;
const REPLY_MS = 45_000;
/** Slack for "now" stamps: the writer's clock read vs ours around the publishes. */
const CLOCK_SLACK_US = 2_000_000;

const nowUs = () => Date.now() * 1000;

/** Strings as they are, bytes as hex, so a mismatch diff is readable. */
function comparable(value: Value): string {
  return typeof value === 'string'
    ? `text:${value}`
    : `bytes:${Buffer.from(value).toString('hex')}`;
}

function expectSame(
  sent: readonly Sent[],
  got: ReadonlyArray<{ value: Value; timestampUs: number }>,
  window: { before: number; after: number },
): void {
  expect(got.map((m) => comparable(m.value))).toEqual(sent.map((m) => comparable(m.value)));
  sent.forEach((m, i) => {
    const stamp = got[i]!.timestampUs;
    if (m.timestampUs !== null) {
      expect(stamp, `timestamp of message ${i}`).toBe(m.timestampUs);
    } else {
      expect(stamp, `"now" timestamp of message ${i}`).toBeGreaterThanOrEqual(
        window.before - CLOCK_SLACK_US,
      );
      expect(stamp, `"now" timestamp of message ${i}`).toBeLessThanOrEqual(
        window.after + CLOCK_SLACK_US,
      );
    }
  });
}

// ---- shared state: the config file, the two Python processes, what is missing ----

let shared: { dir: string; file: string } | undefined;
/** Python writes; we read. And: we write; Python reads. One process each. */
let pyWriter: PythonDriver | undefined;
let pyReader: PythonDriver | undefined;
let venvMissing: unknown;
const brokerMissing: Partial<Record<Broker, Error>> = {};
const tally: Record<Broker, { pythonToOurs: number; oursToPython: number }> = {
  mqtt: { pythonToOurs: 0, oursToPython: 0 },
  kafka: { pythonToOurs: 0, oursToPython: 0 },
};

beforeAll(async () => {
  shared = writeSharedConfig();
  for (const broker of Object.keys(BROKERS) as Broker[]) {
    if (!(await isListeningAt(BROKERS[broker]))) {
      brokerMissing[broker] = new Error(
        `no ${broker} broker on ${BROKERS[broker]}: run ${SETUP_SCRIPT[broker]} first`,
      );
    }
  }
  try {
    requireVenv();
    pyWriter = new PythonDriver('python writer driver', shared.dir);
    pyReader = new PythonDriver('python reader driver', shared.dir);
  } catch (error) {
    venvMissing = error;
  }
});

afterAll(async () => {
  await Promise.all([pyWriter?.stop(), pyReader?.stop()]);
  if (shared) rmSync(shared.dir, { recursive: true, force: true });
  const line = (Object.keys(tally) as Broker[])
    .map((b) => {
      const n = cases(b).length;
      return `${b} python->ours ${tally[b].pythonToOurs}/${n}, ours->python ${tally[b].oursToPython}/${n}`;
    })
    .join('; ');
  console.log(`broker interop (cases passed): ${line}`);
});

/** Throws (so the case fails, never skips) what its broker or the venv lacks. */
function ready(broker: Broker): { file: string; writer: PythonDriver; reader: PythonDriver } {
  if (brokerMissing[broker]) throw brokerMissing[broker];
  if (venvMissing) throw venvMissing;
  return { file: shared!.file, writer: pyWriter!, reader: pyReader! };
}

function checked(reply: PyReply, what: string): PyReply {
  if (!reply.ok) throw new Error(`Python ${what} failed: ${reply.error}`);
  return reply;
}

const caseName = (c: Case) => `${c.service} (${c.variant}, ${c.valueType})`;

for (const broker of Object.keys(BROKERS) as Broker[]) {
  describe(`${broker}: SINETStream 1.10 (Python) MessageWriter -> our MessageReader`, () => {
    it.each(cases(broker).map((c) => [caseName(c), c] as const))(
      '%s',
      async (_name, c) => {
        const { file, writer } = ready(broker);
        const topic = uniqueTopic(c, 'py2ts');
        // One partition keeps the order; made up front so that neither side waits for the
        // metadata of an auto-created topic.
        if (broker === 'kafka') await createTopic(topic, 1);
        const sent = messages(c.valueType);
        const reader = new MessageReader<Value>({
          service: c.service,
          configFile: file,
          topics: topic,
          receiveTimeoutMs: WAIT_MS,
        });
        await reader.open(); // subscribed (MQTT SUBACK, Kafka offsets known) when it resolves
        const got: Message<Value>[] = [];
        let written: PyReply;
        try {
          written = checked(
            await writer.request(
              {
                op: 'write',
                service: c.service,
                topic,
                text: c.valueType === 'text',
                messages: sent.map((m) => ({ value: toPy(m.value), timestamp_us: m.timestampUs })),
              },
              REPLY_MS,
            ),
            'MessageWriter',
          );
          for await (const message of reader) {
            got.push(message);
            if (got.length === sent.length) break;
          }
        } finally {
          await reader.close();
        }
        for (const m of got) expect(m.topic).toBe(topic);
        expectSame(sent, got, { before: written.before_us!, after: written.after_us! });
        tally[broker].pythonToOurs++;
      },
      90_000,
    );
  });

  describe(`${broker}: our MessageWriter -> SINETStream 1.10 (Python) MessageReader`, () => {
    it.each(cases(broker).map((c) => [caseName(c), c] as const))(
      '%s',
      async (_name, c) => {
        const { file, reader } = ready(broker);
        const topic = uniqueTopic(c, 'ts2py');
        if (broker === 'kafka') await createTopic(topic, 1);
        const sent = messages(c.valueType);
        const text = c.valueType === 'text';
        checked(
          await reader.request(
            { op: 'open_reader', service: c.service, topic, text, timeout_ms: WAIT_MS },
            REPLY_MS,
          ),
          'MessageReader (subscribing)',
        );
        let before = 0;
        let after = 0;
        try {
          const writer = new MessageWriter<Value>({ service: c.service, configFile: file, topic });
          await writer.open();
          try {
            before = nowUs();
            for (const m of sent) {
              await writer.publish(
                m.value,
                m.timestampUs === null ? {} : { timestamp: m.timestampUs / 1e6 },
              );
            }
            after = nowUs();
          } finally {
            await writer.close();
          }
        } catch (error) {
          await reader.request({ op: 'close_reader' }, REPLY_MS).catch(() => undefined);
          throw error;
        }
        const collected = checked(
          await reader.request(
            { op: 'collect', count: sent.length, timeout_ms: WAIT_MS },
            REPLY_MS,
          ),
          'MessageReader (receiving)',
        );
        const got = collected.messages!.map((m) => ({
          value: fromPy(m.value),
          timestampUs: m.timestamp_us,
          topic: m.topic,
        }));
        for (const m of got) expect(m.topic).toBe(topic);
        expectSame(sent, got, { before, after });
        tally[broker].oursToPython++;
      },
      90_000,
    );
  });
}
