import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import type { Message } from '../api/message.js';
import { MessageReader } from '../api/message-reader.js';
import { InvalidArgumentError } from '../errors.js';
import { emit, formatMessage, type OutputFormat } from './io.js';
import { milliseconds, wholeNumber } from './numbers.js';
import { progress, progressMode } from './progress.js';
import { addServiceFlags, type ServiceFlags, toServiceOptions } from './service-options.js';

interface ReadFlags extends ServiceFlags {
  count?: number;
  timeout?: number;
  output?: Exclude<OutputFormat, 'received'>;
  raw?: boolean;
  file?: string;
  fromBeginning?: boolean;
  progress?: boolean;
}

export function readCommand(program: Command): void {
  addServiceFlags(program.command('read'))
    .alias('sub')
    .description('print messages as they arrive, until ctrl-c, --count or --timeout')
    .option('-C, --count <n>', 'exit after n messages (0: never)', wholeNumber)
    .option('--timeout <ms>', 'exit after this many milliseconds without a message', milliseconds)
    .option('-r, --raw', 'print the values only, without the "[#n] Received on" lines')
    .option('-f, --file <dir>', 'save each message in a file of its own in this directory')
    .addOption(
      new Option(
        '-o, --output <format>',
        'instead of upstream\'s "[#n] Received on" lines: text: the value; json: topic, timestamp, value, headers; raw: bytes',
      ).choices(['text', 'json', 'raw']),
    )
    .option('--progress', 'show the progress line at a terminal from the first message')
    .option('--no-progress', 'never show the progress line')
    .option('--from-beginning', 'start with the oldest message the broker keeps (Kafka, memory)')
    .action(async (parameters: string[], flags: ReadFlags) => {
      if (flags.raw && flags.output) throw new InvalidArgumentError('give -r or -o, not both');
      const saving = flags.file === undefined ? undefined : savedMessages(flags.file);
      const options = toServiceOptions(flags, parameters, 'topics');
      if (flags.timeout !== undefined) options.receiveTimeoutMs = flags.timeout;
      // As upstream, 0 counts no end.
      const limit = flags.count || Number.POSITIVE_INFINITY;
      await using reader = await new MessageReader<string | Uint8Array>(options).open();
      if (flags.fromBeginning) await reader.seekToBeginning();
      const output: OutputFormat =
        flags.output ?? (flags.raw ? (reader.valueType === 'text' ? 'text' : 'raw') : 'received');
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
        for (;;) {
          try {
            for await (const message of reader) {
              received++;
              if (saving) await saving(message, received);
              else await emit(formatMessage(message, output, received));
              shown.tick();
              if (received >= limit) return;
            }
            return;
          } catch (error) {
            // -k: iterating again goes on with the next message.
            if (!flags.keepGoing || !reader.isOpen) throw error;
            const reason = error instanceof Error ? `${error.name}: ${error.message}` : error;
            process.stderr.write(`sinetstream: ${reason}; going on (-k)\n`);
          }
        }
      } finally {
        shown.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

/**
 * `-f DIR`: each message into `DIR/<topic, percent-encoded>-<16 random letters and digits,
 * the same for the whole run>-<its number>`, as upstream names them.
 */
function savedMessages(
  directory: string,
): (message: Message<string | Uint8Array>, count: number) => Promise<void> {
  if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidArgumentError(`-f ${directory}: no such directory`);
  }
  const run = Array.from({ length: 16 }, () => LETTERS_AND_DIGITS[randomInt(62)]).join('');
  return (message, count) =>
    writeFile(join(directory, `${percentEncoded(message.topic)}-${run}-${count}`), message.value);
}

const LETTERS_AND_DIGITS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Every character but letters, digits and `_.-~` as %XX of its UTF-8 (Python's `quote(s, safe='')`). */
function percentEncoded(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
