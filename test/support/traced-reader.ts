/**
 * A reader in a process of its own, with the OpenTelemetry SDK installed: prints `ready`
 * once open, then, for the first message, one JSON line with its headers and the spans ended.
 * Argument: the reader options as JSON.
 */
import { MessageReader, type ReaderOptions } from '../../src/index.js';
import { installOpenTelemetry, summarize } from './tracing.js';

const otel = installOpenTelemetry();
const options = JSON.parse(process.argv[2]!) as ReaderOptions<string>;
await using reader = await new MessageReader<string>(options).open();
process.stdout.write('ready\n');
for await (const message of reader) {
  void message;
  break;
}
const spans = (await otel.finishedSpans()).map(summarize);
process.stdout.write(`${JSON.stringify({ spans })}\n`);
