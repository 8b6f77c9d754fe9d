import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type {
  BrokerPlugin,
  Consistency,
  PluginReader,
  PluginWriter,
  ReceivedMessage,
} from '../../../src/spi/types.js';
import {
  createReaderContext,
  createWriterContext,
  type PluginContextInput,
} from '../../../src/testing/plugin-context.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const BROKERS_DIR = process.env.SINETSTREAM_BROKERS_DIR ?? resolve(REPO, '.brokers');

/** Fails (never skips) when the broker the tests need is not listening. */
export async function requireBroker(host: string, port: number, script: string): Promise<void> {
  const reachable = await new Promise<boolean>((done) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => done(true)).once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
  if (!reachable) {
    throw new Error(`no broker on ${host}:${port}: start it with \`bash ${script}\``);
  }
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface ContextInput {
  brokers?: string[];
  consistency?: Consistency;
  params?: Record<string, unknown>;
  /** The common `tls` block, as in a config file. */
  tls?: Record<string, unknown>;
  clientId?: string;
}

export class Harness {
  readonly warnings: string[] = [];
  readonly #open: { close(): Promise<void> }[] = [];

  constructor(
    private readonly plugin: BrokerPlugin,
    private readonly defaults: ContextInput & { brokers: string[] },
  ) {}

  #input(input: ContextInput): PluginContextInput {
    const tls = input.tls ?? this.defaults.tls;
    return {
      service: 'test',
      brokers: input.brokers ?? this.defaults.brokers,
      consistency: input.consistency ?? this.defaults.consistency ?? 'AT_LEAST_ONCE',
      clientId: input.clientId ?? unique('client'),
      ...(tls && { tls }),
      params: { ...this.defaults.params, ...input.params },
      logger: { warn: (message: string) => this.warnings.push(message) },
    };
  }

  async writer(topic: string, input: ContextInput = {}): Promise<PluginWriter> {
    const context = await createWriterContext(this.plugin, topic, this.#input(input));
    const writer = this.plugin.createWriter(context);
    this.#open.push(writer);
    await writer.open();
    return writer;
  }

  async reader(topics: string[], input: ContextInput = {}): Promise<PluginReader> {
    const context = await createReaderContext(this.plugin, topics, this.#input(input));
    const reader = this.plugin.createReader(context);
    this.#open.push(reader);
    await reader.open();
    return reader;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.#open.splice(0).map((c) => c.close()));
  }
}

export const text = (s: string) => new TextEncoder().encode(s);

/** The next message as text; settles it (AT_LEAST_ONCE) unless told not to. */
export async function next(
  reader: PluginReader,
  settle = true,
): Promise<{ text: string; topic: string; message: ReceivedMessage }> {
  const message = await reader.receive({ signal: AbortSignal.timeout(4000) });
  if (!message) throw new Error('reader closed');
  if (settle) await message.settle?.();
  return { text: new TextDecoder().decode(message.bytes), topic: message.topic, message };
}

export async function texts(reader: PluginReader, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await next(reader)).text);
  return out;
}

/** Runs a script of this repository (broker control for tests that cut connections). */
export async function script(path: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [resolve(REPO, path), ...args]);
  return stdout;
}
