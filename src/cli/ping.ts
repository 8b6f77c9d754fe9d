import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { MessageReader } from '../api/message-reader.js';
import { MessageWriter } from '../api/message-writer.js';
import { emit } from './io.js';
import { seconds, wholeNumber } from './numbers.js';
import { addServiceFlags, type ServiceFlags, toServiceOptions } from './service-options.js';

interface PingFlags extends ServiceFlags {
  count?: number;
  interval: number;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomText = (length: number, from: string) =>
  Array.from({ length }, () => from[randomInt(from.length)]).join('');

/**
 * Upstream's `ping`: a reader and a writer of one service on one topic (a new one unless
 * `topic=` is given); the writer sends a random text every interval, printing `send N`, and
 * the reader prints `        recv N` for each that comes back (`(DUP)` when it came before).
 */
export function pingCommand(program: Command): void {
  addServiceFlags(program.command('ping'))
    .description('send a message every interval and print each one that comes back')
    .option('-C, --count <n>', 'exit after n messages came back (0: never)', wholeNumber)
    .option('-i, --interval <seconds>', 'time between messages', seconds, 1)
    .action(async (parameters: string[], flags: PingFlags) => {
      const { topic: given, ...options } = toServiceOptions(flags, parameters, 'topic');
      options.valueType = 'text';
      const topic =
        typeof given === 'string' ? given : `sinetstream_cli_ping_${randomText(8, '0123456789')}`;
      await emit(`topic=${topic}\n`);
      const limit = flags.count || Number.POSITIVE_INFINITY;
      await using reader = await new MessageReader<string>({ ...options, topics: topic }).open();
      await using writer = await new MessageWriter<string>({ ...options, topic }).open();
      const stop = () => void reader.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const numbers = new Map<string, number>();
      const done = new AbortController();
      let failure: unknown;
      const sending = (async () => {
        try {
          for (let number = 1; number <= limit; number++) {
            const text = randomText(16, ALPHABET);
            numbers.set(text, number);
            await emit(`send ${number}\n`);
            await writer.publish(text);
            await sleep(flags.interval * 1000, undefined, { signal: done.signal });
          }
        } catch (error) {
          if (done.signal.aborted) return;
          failure = error;
          await reader.close();
        }
      })();
      const seen = new Set<string>();
      try {
        for await (const { value } of reader) {
          const again = seen.has(value);
          seen.add(value);
          await emit(`        recv ${numbers.get(value) ?? value}${again ? ' (DUP)' : ''}\n`);
          if (seen.size >= limit) break;
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done.abort();
        await sending;
      }
      if (failure) throw failure;
    });
}
