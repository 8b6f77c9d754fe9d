/**
 * Interoperability with SINETStream 1.10's `sinetstream-s3` (Python, from PyPI) through the
 * versitygw of scripts/versitygw/setup.sh, with ONE shared `.sinetstream_config.yml` (v3) in a
 * temp dir: for every body variant of the broker suite (plain, AES-256 GCM, AES-256 CBC,
 * gzip, zstd + AES-128 EAX) and both value types, Python writes and we read, and we write and
 * Python reads, comparing values and timestamps. Then the order: a reader of either side
 * reads the objects of either writer in the same order.
 *
 * Needs scripts/python/setup.sh and scripts/versitygw/setup.sh; without them every case fails
 * saying which to run.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MessageReader, MessageWriter } from '../../../src/index.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT, S3_USER } from '../../integration/s3/support.js';
import { messages, type Sent, VARIANTS, type ValueType } from '../brokers/config.js';
import {
  fromPy,
  PYTHON,
  type PyMessage,
  type PyValue,
  requireVenv,
  toPy,
} from '../brokers/driver.js';

type Value = string | Uint8Array;

const DRIVER = resolve(import.meta.dirname, '../../../scripts/python/s3_driver.py');
const CLOCK_SLACK_US = 2_000_000;
const READ_QUIET_MS = 2500;

const VALUE_TYPES: readonly ValueType[] = ['byte_array', 'text'];
const serviceName = (variant: string, valueType: ValueType) =>
  ['interop-s3', variant === 'plain' ? '' : variant, valueType === 'text' ? 'text' : '']
    .filter(Boolean)
    .join('-');

let dir: string;
let configFile: string;

beforeAll(async () => {
  requireVenv(['sinetstream-s3==1.10.0']);
  await requireS3();
  const services: Record<string, unknown> = {};
  for (const [variant, body] of VARIANTS) {
    for (const valueType of VALUE_TYPES) {
      services[serviceName(variant, valueType)] = {
        type: 's3',
        ...(valueType === 'text' ? { value_type: 'text' } : {}),
        ...body,
        // Only keys upstream knows: the Python side reads the same file.
        type_spec: {
          endpoint_url: S3_ENDPOINT,
          bucket: S3_BUCKET,
          prefix: `interop-${randomUUID().slice(0, 8)}`,
          suffix: '.msg',
          name: variant === 'plain' ? 'day' : 'minute',
          utc_offset: '+0900',
          ...S3_USER,
        },
      };
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'sinetstream-s3-interop-'));
  configFile = join(dir, '.sinetstream_config.yml');
  writeFileSync(
    configFile,
    stringify({ header: { version: 3 }, config: services }, { aliasDuplicateObjects: false }),
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface PyReply {
  ok: boolean;
  error?: string;
  before_us?: number;
  after_us?: number;
  messages?: PyMessage[];
}

function python(request: Record<string, unknown>): Promise<PyReply> {
  return new Promise((done, fail) => {
    const child = execFile(PYTHON, [DRIVER], { cwd: dir, timeout: 60_000 }, (error, stdout) => {
      if (error) return fail(error);
      const reply = JSON.parse(stdout) as PyReply;
      if (!reply.ok) return fail(new Error(`Python ${String(request.op)}: ${reply.error}`));
      done(reply);
    });
    child.stdin?.end(JSON.stringify(request));
  });
}

async function pythonWrite(service: string, topic: string, sent: readonly Sent[]) {
  const reply = await python({
    op: 'write',
    service,
    topic,
    messages: sent.map((m) => ({ value: toPy(m.value), timestamp_us: m.timestampUs })),
  });
  return { before: reply.before_us!, after: reply.after_us! };
}

async function pythonRead(service: string, topic: string) {
  const reply = await python({ op: 'read', service, topic });
  return reply.messages!.map((m) => ({
    value: fromPy(m.value as PyValue),
    timestampUs: m.timestamp_us,
    topic: m.topic,
  }));
}

async function ourWrite(service: string, topic: string, sent: readonly Sent[]) {
  const before = Date.now() * 1000;
  {
    await using writer = await new MessageWriter<Value>({ service, configFile, topic }).open();
    for (const m of sent) {
      await writer.publish(
        m.value,
        m.timestampUs === null ? {} : { timestamp: m.timestampUs / 1e6 },
      );
    }
  }
  return { before, after: Date.now() * 1000 };
}

async function ourRead(service: string, topic: string, count: number) {
  const received: { value: Value; timestampUs: number; topic: string }[] = [];
  await using reader = await new MessageReader<Value>({
    service,
    configFile,
    topics: topic,
    receiveTimeoutMs: READ_QUIET_MS,
  }).open();
  for await (const message of reader) {
    received.push({ value: message.value, timestampUs: message.timestampUs, topic: message.topic });
    if (received.length === count) break;
  }
  return received;
}

const comparable = (value: Value) =>
  typeof value === 'string' ? `text:${value}` : `bytes:${Buffer.from(value).toString('hex')}`;

/**
 * Every message arrived once with its value and timestamp; objects sit in time folders, so
 * the order is the folders' (see the order cases), not the publishes'.
 */
function expectSame(
  sent: readonly Sent[],
  got: ReadonlyArray<{ value: Value; timestampUs: number; topic: string }>,
  topic: string,
  window: { before: number; after: number },
): void {
  expect(got.map((m) => comparable(m.value)).sort()).toEqual(
    sent.map((m) => comparable(m.value)).sort(),
  );
  for (const m of sent) {
    const match = got.find((g) => comparable(g.value) === comparable(m.value))!;
    expect(match.topic).toBe(topic);
    if (m.timestampUs !== null) {
      expect(match.timestampUs).toBe(m.timestampUs);
    } else {
      expect(match.timestampUs).toBeGreaterThanOrEqual(window.before - CLOCK_SLACK_US);
      expect(match.timestampUs).toBeLessThanOrEqual(window.after + CLOCK_SLACK_US);
    }
  }
}

const topicOf = (label: string) => `interop-${label}-${randomUUID().slice(0, 8)}`;

describe('s3 interop with SINETStream 1.10 sinetstream-s3 (Python)', { timeout: 90_000 }, () => {
  for (const [variant] of VARIANTS) {
    for (const valueType of VALUE_TYPES) {
      const service = serviceName(variant, valueType);
      const sent = messages(valueType);

      it(`Python writer -> our reader: ${service}`, async () => {
        const topic = topicOf('py2ts');
        const window = await pythonWrite(service, topic, sent);
        expectSame(sent, await ourRead(service, topic, sent.length), topic, window);
      });

      it(`our writer -> Python reader: ${service}`, async () => {
        const topic = topicOf('ts2py');
        const window = await ourWrite(service, topic, sent);
        expectSame(sent, await pythonRead(service, topic), topic, window);
      });
    }
  }

  describe('order', () => {
    const service = serviceName('plain', 'text');
    // One time folder for all, so that only the object names order them.
    const sent: Sent[] = Array.from({ length: 12 }, (_, i) => ({
      value: `message ${i + 1}`,
      timestampUs: 1_700_000_000_000_000 + i,
    }));
    let fromPython: string;
    let fromUs: string;

    beforeAll(async () => {
      fromPython = topicOf('order-py');
      fromUs = topicOf('order-ts');
      await pythonWrite(service, fromPython, sent);
      await ourWrite(service, fromUs, sent);
    });

    it('our reader reads either writer in publish order', async () => {
      const values = sent.map((m) => m.value);
      for (const topic of [fromPython, fromUs]) {
        expect((await ourRead(service, topic, sent.length)).map((m) => m.value)).toEqual(values);
      }
    });

    it("Python's reader reads our objects in the order it reads its own writer's", async () => {
      const own = (await pythonRead(service, fromPython)).map((m) => m.value);
      const ours = (await pythonRead(service, fromUs)).map((m) => m.value);
      expect(own).toHaveLength(sent.length);
      expect(ours).toEqual(own);
    });
  });
});
