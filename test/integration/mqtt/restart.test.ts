/**
 * A real Mosquitto restart. The shared broker of scripts/mosquitto/setup.sh serves other
 * suites, so this file runs a private one (the same binary) with persistence on, on a port of
 * its own, and stops and starts it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageReader, MessageWriter } from '../../../src/index.js';
import { isListening, unusedPort } from '../../support/net.js';
import { newTopic, reader, type Service, writer } from './clients.js';

class PrivateMosquitto {
  readonly dir = mkdtempSync(join(tmpdir(), 'sinetstream-mosquitto-'));
  #process: ChildProcess | undefined;
  constructor(readonly port: number) {
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        // Mosquitto started as root would switch to a user that cannot write this directory.
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${this.dir}/`,
        `log_dest file ${this.dir}/mosquitto.log`,
        '',
      ].join('\n'),
    );
  }

  async start(): Promise<void> {
    this.#process = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: 'ignore',
    });
    while (!(await isListening(this.port))) await sleep(50);
  }

  /** SIGTERM: Mosquitto writes its persistence file on the way out, as on a service restart. */
  async stop(): Promise<void> {
    const running = this.#process;
    this.#process = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let broker: PrivateMosquitto;

beforeAll(async () => {
  try {
    execFileSync('mosquitto', ['-h'], { stdio: 'ignore' });
  } catch (error) {
    // mosquitto -h exits 3 after printing its usage; only a missing binary is fatal.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('mosquitto is not installed: run scripts/mosquitto/setup.sh first');
    }
  }
  broker = new PrivateMosquitto(await unusedPort());
  await broker.start();
});
afterAll(() => broker?.remove());

const service = (typeSpec: Record<string, unknown> = {}): Service => ({
  type: 'mqtt',
  brokers: `127.0.0.1:${broker.port}`,
  consistency: 'AT_LEAST_ONCE',
  type_spec: { reconnect_delay: { min_delay: 0.1, max_delay: 0.5 }, ...typeSpec },
});

/** Reads until every one of `expected` came; at AT_LEAST_ONCE a message may come twice. */
async function readAll(source: MessageReader<string>, expected: readonly string[]) {
  const received: string[] = [];
  for await (const message of source) {
    received.push(message.value);
    if (expected.every((text) => received.includes(text))) break;
  }
  return new Set(received);
}

/** Publishes while the broker is down; the publish must resolve once it is back. */
async function restartWhilePublishing(sink: MessageWriter<string>, text: string) {
  await broker.stop();
  const pending = sink.publish(text);
  await broker.start();
  await pending;
}

describe('mqtt across a Mosquitto restart (persistence on), at AT_LEAST_ONCE', () => {
  it.each([
    ['MQTTv311', { clean_session: false }],
    ['MQTTv5', { clean_start: false, session_expiry_interval: 300 }],
  ])('%s: messages queued for an absent persistent reader survive', async (protocol, session) => {
    const persistent = service({ protocol, ...session });
    const topic = newTopic('restart-queued');
    const clientId = `sinetstream-restart-${topic.slice(-8)}`;
    const options = { topics: topic, clientId, valueType: 'text', receiveTimeoutMs: 20_000 };
    await (await reader<string>(persistent, options).open()).close();
    await using sink = await writer<string>(persistent, { topic, valueType: 'text' }).open();
    for (const text of ['one', 'two', 'three']) await sink.publish(text);

    await restartWhilePublishing(sink, 'while the broker was down');

    await using source = await reader<string>(persistent, options).open();
    const expected = ['one', 'two', 'three', 'while the broker was down'];
    expect(await readAll(source, expected)).toEqual(new Set(expected));
  });

  // Without a persistent session the reader's subscription dies with the broker, and what the
  // writer resends before the reader resubscribes reaches nobody: that is MQTT, not a loss.
  it('a persistent reader and a writer that stay open carry on after it', async () => {
    const topic = newTopic('restart-live');
    await using source = await reader<string>(service({ clean_session: false }), {
      topics: topic,
      clientId: `sinetstream-restart-${topic.slice(-8)}`,
      valueType: 'text',
      receiveTimeoutMs: 20_000,
    }).open();
    await using sink = await writer<string>(service(), { topic, valueType: 'text' }).open();
    await sink.publish('before');

    await restartWhilePublishing(sink, 'while the broker was down');
    await sink.publish('after');

    const expected = ['before', 'while the broker was down', 'after'];
    expect(await readAll(source, expected)).toEqual(new Set(expected));
  });
});
