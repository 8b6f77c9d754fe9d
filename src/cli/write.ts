import type { Command } from 'commander';
import { MessageWriter } from '../api/message-writer.js';
import { InvalidArgumentError } from '../errors.js';
import { lines, wholeInput } from './io.js';
import { wholeNumber } from './numbers.js';
import { progress, progressMode } from './progress.js';
import { addServiceFlags, type ServiceFlags, toServiceOptions } from './service-options.js';

interface WriteFlags extends ServiceFlags {
  message?: string;
  file?: string;
  line?: boolean;
  count?: number;
  header: string[];
  progress?: boolean;
}

/** `--header name=value`, repeatable: the value is text, everything after the first `=`. */
function collectHeader(given: string, headers: string[]): string[] {
  return [...headers, given];
}

function headersOf(given: readonly string[]): Map<string, string> | undefined {
  if (given.length === 0) return undefined;
  const headers = new Map<string, string>();
  for (const pair of given) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`--header ${pair}: expected name=value`);
    headers.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return headers;
}

async function* messages(
  flags: WriteFlags,
  text: boolean,
  signal: AbortSignal,
): AsyncGenerator<string | Buffer> {
  if (flags.message !== undefined) yield flags.message;
  else if (flags.line) yield* lines(flags.file, signal);
  else {
    const whole = await wholeInput(flags.file, text, signal);
    if (whole !== undefined) yield whole;
  }
}

export function writeCommand(program: Command): void {
  addServiceFlags(program.command('write'))
    .alias('pub')
    .description('publish stdin (or --file) as one message, each line of it (-l), or --message')
    .option('-m, --message <text>', 'publish this one text message')
    .option('-f, --file <path>', 'read the message(s) from this file instead of stdin')
    .option('-l, --line', 'publish each line as a text message of its own')
    .option('-C, --count <n>', 'stop after n messages', wholeNumber)
    .option('--progress', 'show the progress line at a terminal from the first message')
    .option('--no-progress', 'never show the progress line')
    .option(
      '-H, --header <name=value>',
      'send this header with each message (repeatable)',
      collectHeader,
      [],
    )
    .action(async (parameters: string[], flags: WriteFlags) => {
      const headers = headersOf(flags.header);
      const limit = flags.count ?? Number.POSITIVE_INFINITY;
      const options = toServiceOptions(flags, parameters, 'topic');
      // As upstream: a message given on the command line, or lines, are text.
      if (flags.message !== undefined || flags.line) options.valueType = 'text';
      await using writer = await new MessageWriter<string | Uint8Array>(options).open();
      const text = writer.valueType === 'text';
      // ctrl-c stops reading input at once: a read of stdin does not end by itself.
      const interrupted = new AbortController();
      const stop = () => interrupted.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const typing = flags.message === undefined && flags.file === undefined && process.stdin.isTTY;
      const hint = flags.line
        ? 'one message per line'
        : 'the whole input is one message (-l: one per line)';
      process.stderr.write(
        `sinetstream: writing to ${writer.topic} of service ${writer.service}` +
          `${typing ? `: ${hint}, ctrl-d to finish` : ''}\n`,
      );
      let sent = 0;
      const shown = progress('sent', progressMode(flags.progress), !typing);
      try {
        for await (const message of messages(flags, text, interrupted.signal)) {
          if (sent >= limit || !writer.isOpen) break;
          const value = text
            ? message.toString()
            : typeof message === 'string'
              ? Buffer.from(message)
              : message;
          await writer.publish(value, headers ? { headers } : {});
          sent++;
          shown.tick();
        }
      } finally {
        shown.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      process.stderr.write(`sinetstream: wrote ${sent} message(s) to ${writer.topic}\n`);
    });
}
