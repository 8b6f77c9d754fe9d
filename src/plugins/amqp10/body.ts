import rhea, { type Message } from 'rhea';

/** Bytes travel as one AMQP data section, which every AMQP 1.0 client can read. */
export function toMessage(
  bytes: Uint8Array,
  to: string,
  durable: boolean,
  timestampUs?: number,
): Message {
  return {
    to,
    body: rhea.message.data_section(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    durable,
    ...(timestampUs !== undefined ? { creation_time: new Date(timestampUs / 1000) } : {}),
  };
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
