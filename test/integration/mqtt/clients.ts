import { randomUUID } from 'node:crypto';
import type { ReaderOptions, WriterOptions } from '../../../src/index.js';
import { type Message, MessageReader, MessageWriter } from '../../../src/index.js';

/** A service as a v3 config file writes it, e.g. `{ type: 'mqtt', brokers, type_spec }`. */
export type Service = Record<string, unknown>;

export const newTopic = (label: string) => `sinetstream/it/${label}/${randomUUID().slice(0, 8)}`;

const config = (service: Service) => ({ header: { version: 3 }, config: { mqtt: service } });

export function writer<T = Uint8Array>(service: Service, options: WriterOptions<T> = {}) {
  return new MessageWriter<T>({ service: 'mqtt', config: config(service), ...options });
}

export function reader<T = Uint8Array>(service: Service, options: ReaderOptions<T> = {}) {
  return new MessageReader<T>({
    service: 'mqtt',
    config: config(service),
    receiveTimeoutMs: 2_000,
    ...options,
  });
}

/** Up to `count` messages; fewer when the reader falls silent for its receiveTimeoutMs. */
export async function collect<T>(source: MessageReader<T>, count: number): Promise<Message<T>[]> {
  const received: Message<T>[] = [];
  for await (const message of source) {
    received.push(message);
    if (received.length >= count) break;
  }
  return received;
}

/** Publishes `text` to `topic` through `service` and returns what a reader there got. */
export async function roundTrip(service: Service, text = 'hello'): Promise<string[]> {
  const topic = newTopic('round-trip');
  await using source = await reader<string>(service, { topics: topic, valueType: 'text' }).open();
  await using sink = await writer<string>(service, { topic, valueType: 'text' }).open();
  await sink.publish(text);
  return (await collect(source, 1)).map((m) => m.value);
}
