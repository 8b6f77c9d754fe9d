import { type Command, Option } from 'commander';
import { MessageReader } from '../api/message-reader.js';
import { emit, formatMessage, type OutputFormat } from './io.js';
import { milliseconds, wholeNumber } from './numbers.js';
import { progress, progressMode } from './progress.js';
import { addServiceFlags, type ServiceFlags, toServiceOptions } from './service-options.js';

interface ReadFlags extends ServiceFlags {
  count?: number;
  timeout?: number;
  output: OutputFormat;
  fromBeginning?: boolean;
  progress?: boolean;
}

export function readCommand(program: Command): void {
  addServiceFlags(program.command('read'))
    .description('print messages as they arrive, until ctrl-c, --count or --timeout')
    .option('-C, --count <n>', 'exit after n messages', wholeNumber)
    .option('--timeout <ms>', 'exit after this many milliseconds without a message', milliseconds)
    .addOption(
      new Option(
        '-o, --output <format>',
        'text: the value; json: topic, timestamp, value, headers; raw: bytes',
      )
        .choices(['text', 'json', 'raw'])
        .default('text'),
    )
    .option('--progress', 'show the progress line at a terminal from the first message')
    .option('--no-progress', 'never show the progress line')
    .option('--from-beginning', 'start with the oldest message the broker keeps (Kafka, memory)')
    .action(async (parameters: string[], flags: ReadFlags) => {
      const options = toServiceOptions(flags, parameters, 'topics');
      if (flags.timeout !== undefined) options.receiveTimeoutMs = flags.timeout;
      const limit = flags.count ?? Number.POSITIVE_INFINITY;
      await using reader = await new MessageReader<string | Uint8Array>(options).open();
      if (flags.fromBeginning) await reader.seekToBeginning();
      const stop = () => void reader.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stderr.write(
        `sinetstream: reading ${reader.topics.join(', ')} from service ${reader.service}\n`,
      );
      let received = 0;
      // Messages printed on the terminal show the progress themselves.
      const shown = progress('received', progressMode(flags.progress), !process.stdout.isTTY);
      try {
        if (limit > 0) {
          for await (const message of reader) {
            await emit(formatMessage(message, flags.output));
            shown.tick();
            if (++received >= limit) break;
          }
        }
      } finally {
        shown.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
