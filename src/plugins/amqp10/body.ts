import rhea, { type Message } from 'rhea';
import type { MessageHeaders } from '../../spi/types.js';

const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Bytes travel as one AMQP data section, which every AMQP 1.0 client can read; headers as
 * application properties (strings, and binary values for bytes).
 */
export function toMessage(
  bytes: Uint8Array,
  to: string,
  durable: boolean,
  timestampUs?: number,
  headers?: MessageHeaders,
): Message {
  const message: Message = { to, body: rhea.message.data_section(view(bytes)), durable };
  if (timestampUs !== undefined) message.creation_time = new Date(timestampUs / 1000);
  if (headers) message.application_properties = applicationProperties(headers);
  return message;
}

function applicationProperties(headers: MessageHeaders): Record<string, string | Buffer> {
  const properties: Record<string, string | Buffer> = Object.create(null);
  for (const [name, value] of headers)
    properties[name] = typeof value === 'string' ? value : view(value);
  return properties;
}

/** The payload of a data section, a binary value, or text sent by another client. */
export function bytesOf(message: Message): Uint8Array | undefined {
  const body: unknown = message.body;
  if (Buffer.isBuffer(body)) return body;
  const content = (body as { content?: unknown } | undefined)?.content;
  if (Buffer.isBuffer(content)) return content;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return undefined;
}
