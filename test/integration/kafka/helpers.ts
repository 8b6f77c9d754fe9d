import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { plugin } from '../../../src/plugins/kafka/index.js';
import type { Consistency, PluginReader, ReceivedMessage } from '../../../src/spi/types.js';
import { createReaderContext, createWriterContext } from '../../../src/testing/plugin-context.js';
import { LazyReader, LazyWriter } from '../../support/lazy-plugin.js';

/** What scripts/kafka/setup.sh starts (see its header). */
export const PLAINTEXT = '127.0.0.1:9092';
export const SASL = '127.0.0.1:9093';
export const SSL = '127.0.0.1:9094';
export const DENIED_TOPIC = 'sinetstream-acl-denied';
export const CERTS = resolve(
  process.env.SINETSTREAM_BROKERS_DIR ?? resolve(import.meta.dirname, '../../../.brokers'),
  'kafka/certs',
);

/** Fails (never skips) the suite when the broker is not there, saying how to start it. */
export async function requireKafka(): Promise<void> {
  const reachable = await new Promise<boolean>((done) => {
    const socket = connect({ host: '127.0.0.1', port: 9092, timeout: 2000 });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
  if (!reachable) {
    throw new Error(`no Kafka broker on ${PLAINTEXT}: run scripts/kafka/setup.sh first`);
  }
}

export const newTopic = (label: string) => `sinetstream-it-${label}-${randomUUID().slice(0, 8)}`;

export interface Options {
  brokers?: string[];
  consistency?: Consistency;
  params?: Record<string, unknown>;
  /** The common `tls` block, as in a config file. */
  tls?: Record<string, unknown>;
  warnings?: string[];
}

function input(options: Options) {
  const warnings = options.warnings ?? [];
  return {
    brokers: options.brokers ?? [PLAINTEXT],
    consistency: options.consistency ?? 'AT_LEAST_ONCE',
    ...(options.tls && { tls: options.tls }),
    params: options.params ?? {},
    logger: { warn: (m: string) => warnings.push(m) },
  };
}

export function writer(topic: string, options: Options = {}): LazyWriter {
  return new LazyWriter(async () =>
    plugin.createWriter(await createWriterContext(plugin, topic, input(options))),
  );
}

export function reader(topics: string | string[], options: Options = {}): LazyReader {
  const list = typeof topics === 'string' ? [topics] : topics;
  return new LazyReader(async () =>
    plugin.createReader(await createReaderContext(plugin, list, input(options))),
  );
}

export const bytes = (text: string) => new TextEncoder().encode(text);
export const text = (message: ReceivedMessage) => new TextDecoder().decode(message.bytes);

/** Receives `count` messages, settling each as core does; fails if they do not come in `ms`. */
export async function take(
  source: PluginReader,
  count: number,
  ms = 15_000,
): Promise<ReceivedMessage[]> {
  const messages: ReceivedMessage[] = [];
  const signal = AbortSignal.timeout(ms);
  while (messages.length < count) {
    const message = await source.receive({ signal });
    if (!message) break;
    await message.settle?.();
    messages.push(message);
  }
  return messages;
}

/** Resolves `undefined` when nothing arrives within `ms`, or the message that did. */
export async function nothingWithin(
  source: PluginReader,
  ms: number,
): Promise<ReceivedMessage | undefined> {
  try {
    return await source.receive({ signal: AbortSignal.timeout(ms) });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return undefined;
    throw error;
  }
}

export async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'sinetstream-it-admin', bootstrapBrokers: [PLAINTEXT] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}
