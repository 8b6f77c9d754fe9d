/**
 * A reader in a process of its own, for the conformance suite's crash case: it reads text
 * messages with the options given as JSON in argv[2], prints `ready` once open, then each
 * message's value as a JSON line when the loop receives it, and after `take` messages stays
 * inside the loop body (the last message unfinished) until the suite kills it.
 */
import { MessageReader } from '../api/message-reader.js';
import type { ReaderOptions } from '../api/options.js';

interface CrashReaderRequest {
  options: ReaderOptions<string>;
  take: number;
}

const request = JSON.parse(process.argv[2] ?? '{}') as CrashReaderRequest;
const reader = await new MessageReader<string>({ ...request.options, valueType: 'text' }).open();
process.stdout.write('ready\n');
let taken = 0;
for await (const message of reader) {
  process.stdout.write(`${JSON.stringify(message.value)}\n`);
  taken++;
  if (taken >= request.take) await new Promise(() => setInterval(() => undefined, 60_000));
}
