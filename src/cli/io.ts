import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Message } from '../api/message.js';

/** Lines of a file or of stdin, without their line ends, until the input ends or `signal`. */
export async function* lines(
  path: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const input = path === undefined ? process.stdin : createReadStream(path);
  const reading = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, signal });
  try {
    yield* reading;
  } finally {
    reading.close();
    // Paused, stdin no longer keeps the process alive once the writer is done.
    if (path === undefined) process.stdin.pause();
  }
}

/** A whole file, or all of stdin, as one buffer. */
export async function wholeInput(path: string | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of path === undefined ? process.stdin : createReadStream(path)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type OutputFormat = 'text' | 'json' | 'raw';

/** How `read` prints one message. */
export function formatMessage(
  message: Message<string | Uint8Array>,
  format: OutputFormat,
): Uint8Array | string {
  const { value } = message;
  if (format === 'raw') return value;
  if (format === 'json') {
    const body =
      typeof value === 'string'
        ? { value }
        : { value_base64: Buffer.from(value).toString('base64') };
    const headers = message.headers.size > 0 ? { headers: headersJson(message.headers) } : {};
    return `${JSON.stringify({ topic: message.topic, timestamp: message.timestamp, ...body, ...headers })}\n`;
  }
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Text values as strings, byte values as `{ base64 }`; the names as keys. */
function headersJson(headers: Message['headers']): Record<string, string | { base64: string }> {
  const json: Record<string, string | { base64: string }> = {};
  for (const [name, value] of headers) {
    const shown =
      typeof value === 'string' ? value : { base64: Buffer.from(value).toString('base64') };
    // A header may be named `__proto__`: an assignment would set the prototype instead.
    Object.defineProperty(json, name, { value: shown, enumerable: true });
  }
  return json;
}

/** Writes and waits for the stream to take it, so a piped reader gets output in time. */
export function emit(chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
