import { type Command, Option } from 'commander';
import { MessageReader } from '../api/message-reader.js';
import { emit, formatMessage, type OutputFormat } from './io.js';
import { addServiceFlags, type ServiceFlags, toServiceOptions } from './service-options.js';

interface ReadFlags extends ServiceFlags {
  count?: string;
  timeout?: string;
  output: OutputFormat;
  fromBeginning?: boolean;
}

export function readCommand(program: Command): void {
  addServiceFlags(program.command('read'))
    .description('print messages as they arrive, until ctrl-c, --count or --timeout')
    .option('-C, --count <n>', 'exit after n messages')
    .option('--timeout <ms>', 'exit after this many milliseconds without a message')
    .addOption(
      new Option(
        '-o, --output <format>',
        'text: the value; json: topic, timestamp, value, headers; raw: bytes',
      )
        .choices(['text', 'json', 'raw'])
        .default('text'),
    )
    .option('--from-beginning', 'start with the oldest message the broker keeps (Kafka, memory)')
    .action(async (parameters: string[], flags: ReadFlags) => {
      const options = toServiceOptions(flags, parameters, 'topics');
      if (flags.timeout !== undefined) options.receiveTimeoutMs = Number(flags.timeout);
      const limit = flags.count === undefined ? Number.POSITIVE_INFINITY : Number(flags.count);
      await using reader = await new MessageReader<string | Uint8Array>(options).open();
      if (flags.fromBeginning) await reader.seekToBeginning();
      const stop = () => void reader.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stderr.write(
        `sinetstream: reading ${reader.topics.join(', ')} from service ${reader.service}\n`,
      );
      let received = 0;
      try {
        if (limit > 0) {
          for await (const message of reader) {
            await emit(formatMessage(message, flags.output));
            if (++received >= limit) break;
          }
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
