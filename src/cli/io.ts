import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { addAbortSignal, type Readable } from 'node:stream';
import type { Message } from '../api/message.js';

/**
 * Upstream's `write -l`: one message per line, without its line end, until the input ends or
 * `signal`. As Python reads them, a file's lines end at `\n`, `\r\n` or `\r` (universal
 * newlines) and stdin's at `\n` only, a trailing `\r` being dropped.
 */
export async function* lines(
  path: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<string> {
  if (path !== undefined) {
    const reading = createInterface({
      input: createReadStream(path),
      crlfDelay: Number.POSITIVE_INFINITY,
      signal,
    });
    try {
      yield* reading;
    } finally {
      reading.close();
    }
    return;
  }
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of untilAborted(process.stdin, signal)) {
    pending += decoder.decode(chunk, { stream: true });
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      yield withoutLineEnd(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
  }
  if (signal.aborted) return;
  pending += decoder.decode();
  if (pending.length > 0) yield withoutLineEnd(pending);
}

const withoutLineEnd = (line: string) => line.replace(/[\r\n]+$/, '');

/**
 * Upstream's default `write`: the whole file, or all of stdin, as one message; nothing when
 * it is empty or `signal` came first. Text read from a file has its line ends made `\n`, as
 * Python's text files do; stdin's stay as they are.
 */
export async function wholeInput(
  path: string | undefined,
  text: boolean,
  signal: AbortSignal,
): Promise<Buffer | string | undefined> {
  const chunks: Buffer[] = [];
  const input = path === undefined ? process.stdin : createReadStream(path);
  for await (const chunk of untilAborted(input, signal)) chunks.push(chunk);
  if (signal.aborted) return undefined;
  const whole = Buffer.concat(chunks);
  if (whole.length === 0) return undefined;
  if (!text) return whole;
  const decoded = whole.toString('utf8');
  return path === undefined ? decoded : decoded.replace(/\r\n?/g, '\n');
}

/** The stream's chunks until it ends, or until `signal` (then it is destroyed, quietly). */
async function* untilAborted(input: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of addAbortSignal(signal, input)) yield chunk as Buffer;
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    // Paused, stdin no longer keeps the process alive once the writer is done.
    if (input === process.stdin) process.stdin.pause();
  }
}

/** `received`: upstream's default, a `[#n] Received on "topic"` line before each value. */
export type OutputFormat = 'received' | 'text' | 'json' | 'raw';

/** How `read` prints the `count`-th message. */
export function formatMessage(
  message: Message<string | Uint8Array>,
  format: OutputFormat,
  count: number,
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
  if (format === 'received') {
    // Upstream's line (as `nats sub` prints); a byte value follows as it is, without a newline.
    const line = `[#${count}] Received on "${message.topic}"\n`;
    return typeof value === 'string'
      ? `${line}${withNewline(value)}`
      : Buffer.concat([Buffer.from(line), value]);
  }
  return withNewline(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

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
