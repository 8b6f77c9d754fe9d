/**
 * The conformance cases for what core promises about every plugin's readers: a message is
 * acknowledged only once the user is done with it, so a reader that crashes or closes while
 * holding one loses nothing; and close() is safe whenever it comes.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { MessageReader } from '../api/message-reader.js';
import { MessageWriter } from '../api/message-writer.js';
import type { CommonOptions, ReaderOptions } from '../api/options.js';
import { ConnectionError } from '../errors.js';

/**
 * How a reader takes over what an earlier reader with the same `id` left unfinished
 * (persistent session, consumer group, named queue, durable subscription): the reader options
 * that give it that identity. A broker that keeps nothing for a reader that is gone says why.
 */
export type ReaderIdentity = ((id: string) => CommonOptions) | { unsupported: string };

/**
 * How many messages past `max_unacked_messages` a reader may hold for a user who does not
 * ask for the next one (its plugin metrics' `buffered`): 0 for a plugin that stops the broker
 * exactly there, a fetch's worth for one that stops between fetches; or why it has no bound.
 */
export type BufferSlack = number | { unsupported: string };

/** The `max_unacked_messages` the slow-reader case sets, below every default. */
const MAX_UNACKED = 40;

export interface ContractContext {
  base: CommonOptions;
  identity: ReaderIdentity;
  bufferSlack: BufferSlack;
  newTopic(label: string): string;
  /** How long a taking-over reader may wait for its first message (a group rebalance). */
  takeoverMs: number;
}

/** Messages published in the crash case, and how many the doomed reader takes. */
const CRASH_TOTAL = 200;
const CRASH_TAKEN = 50;

const RELIABLE = { consistency: 'AT_LEAST_ONCE', valueType: 'text' } as const;

export function contractCases(context: ContractContext): void {
  const { base, identity, newTopic, takeoverMs, bufferSlack } = context;

  const bounded = 'a reader whose user holds a message buffers a bounded number of the rest';
  if (typeof bufferSlack === 'number') {
    it(bounded, async () => {
      const topic = newTopic('slow');
      const bound = MAX_UNACKED + bufferSlack;
      await using source = await new MessageReader<string>({
        ...base,
        ...RELIABLE,
        topics: topic,
        maxUnackedMessages: MAX_UNACKED,
      }).open();
      const total = 2 * bound + 200;
      {
        await using sink = await new MessageWriter<string>({ ...base, ...RELIABLE, topic }).open();
        const value = 'x'.repeat(1024);
        await Promise.all(Array.from({ length: total }, () => sink.publish(value)));
      }
      const messages = source[Symbol.asyncIterator]();
      await messages.next();
      // The broker has every message; a reader without backpressure would take them all
      // in this time, one with it stops at its bound whatever the wait.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { buffered } = source.metrics.raw as { buffered?: unknown };
      console.info(
        `slow reader: ${total} published, 1 taken, ${String(buffered)} buffered (max_unacked_messages ${MAX_UNACKED})`,
      );
      expect(buffered).toBeTypeOf('number');
      expect(buffered).toBeLessThanOrEqual(bound);
    }, 90_000);
  } else {
    it.skip(`${bounded} (skipped: ${bufferSlack.unsupported})`, () => undefined);
  }

  it('close() twice while a receive is pending and publishes are under way', async () => {
    const topic = newTopic('close-race');
    const source = await new MessageReader<string>({ ...base, ...RELIABLE, topics: topic }).open();
    const sink = await new MessageWriter<string>({ ...base, ...RELIABLE, topic }).open();
    const iterating = (async () => {
      const values: string[] = [];
      for await (const message of source) values.push(message.value);
      return values;
    })();
    const publishes = Array.from({ length: 20 }, (_, i) => sink.publish(`race ${i}`));
    await Promise.all([source.close(), source.close()]);
    // The loop ends without an error; what it got before the close is whatever came first.
    await expect(iterating).resolves.toBeInstanceOf(Array);
    await expect(Promise.all(publishes)).resolves.toHaveLength(20);
    await Promise.all([sink.close(), sink.close()]);
  });

  const unsupported = typeof identity === 'object' ? identity.unsupported : undefined;
  const takeover = 'takes over, with the same identity, every message an earlier reader';
  if (typeof identity !== 'function' || base.registry !== undefined) {
    const why = unsupported ?? 'the plugin is registered in this process only';
    it.skip(`a reader that ${takeover} had not finished (skipped: ${why})`, () => undefined);
    return;
  }

  it(`a reader that ${takeover} had not finished: after close()`, async () => {
    const topic = newTopic('unsettled');
    const options = { ...base, ...RELIABLE, topics: topic, ...identity(`close-${randomId()}`) };
    const first = await new MessageReader<string>(options).open();
    const sent = ['one', 'two', 'three', 'four'];
    {
      await using sink = await new MessageWriter<string>({ ...base, ...RELIABLE, topic }).open();
      for (const value of sent) await sink.publish(value);
    }
    const messages = first[Symbol.asyncIterator]();
    expect((await messages.next()).value?.value).toBe('one');
    // Asking for the second finishes the first; the second is still being worked on.
    expect((await messages.next()).value?.value).toBe('two');
    await first.close();
    const again = await receiveUntil(options, ['two', 'three', 'four'], takeoverMs);
    expect(again.missing).toEqual([]);
  }, 90_000);

  it(`a reader that ${takeover} had not finished: after SIGKILL`, async () => {
    const topic = newTopic('crash');
    const options = { ...base, ...RELIABLE, topics: topic, ...identity(`crash-${randomId()}`) };
    const doomed = startCrashReader(options, CRASH_TAKEN);
    const sent = Array.from({ length: CRASH_TOTAL }, (_, i) => `crash ${i}`);
    try {
      await doomed.ready;
      await using sink = await new MessageWriter<string>({ ...base, ...RELIABLE, topic }).open();
      await Promise.all(sent.map((value) => sink.publish(value)));
      const taken = await doomed.taken;
      // Every message is at the broker by now. A pause before the kill lets a reader that
      // acknowledges on arrival acknowledge the rest, so that such a reader fails here; it
      // cannot make a correct one fail.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      doomed.kill();
      // All but the last were finished: the loop asked for the next one.
      const finished = new Set(taken.slice(0, -1));
      const needed = sent.filter((value) => !finished.has(value));
      const again = await receiveUntil(options, needed, takeoverMs);
      console.info(
        `crash case: ${CRASH_TOTAL} sent, the killed reader took ${taken.length}, ` +
          `its successor received ${again.received} (${needed.length} needed, ` +
          `${again.missing.length} missing)`,
      );
      expect(again.missing).toEqual([]);
    } finally {
      doomed.kill();
    }
  }, 120_000);
}

const randomId = () => randomUUID().slice(0, 8);

/**
 * Reads until every value in `needed` came, or the reader was silent for `quietMs`. A broker
 * may hold a killed reader's identity until it notices the connection is gone (Artemis
 * refuses a second consumer of a durable subscription meanwhile): a reader that fails with
 * ConnectionError before its first message is opened again, as a restarted program would.
 */
async function receiveUntil(
  options: ReaderOptions<string>,
  needed: readonly string[],
  quietMs: number,
): Promise<{ received: number; missing: string[] }> {
  const missing = new Set(needed);
  let received = 0;
  const deadline = Date.now() + quietMs;
  for (;;) {
    try {
      await using source = await new MessageReader<string>({
        ...options,
        receiveTimeoutMs: quietMs,
      }).open();
      for await (const message of source) {
        received++;
        missing.delete(message.value);
        if (missing.size === 0) break;
      }
      return { received, missing: [...missing] };
    } catch (error) {
      if (!(error instanceof ConnectionError) || received > 0 || Date.now() > deadline) throw error;
      console.info(`takeover: ${error.message}; opening again`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

interface CrashReader {
  ready: Promise<void>;
  /** The values the reader took, in order, once it took all it was told to. */
  taken: Promise<string[]>;
  kill(): void;
}

function startCrashReader(options: ReaderOptions<string>, take: number): CrashReader {
  // Run from the TypeScript sources (the suite's own tests), the child needs tsx to load them.
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(fromSource ? './crash-reader.ts' : './crash-reader.js', import.meta.url);
  const child = spawn(
    process.execPath,
    [
      ...(fromSource ? ['--import', 'tsx'] : []),
      script.pathname,
      JSON.stringify({ options, take }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the crash reader exited early (code ${code}, signal ${signal})`)),
    ),
  );
  exited.catch(() => undefined);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ready = Promise.race([
    lines.next().then((line) => {
      if (line.value !== 'ready') throw new Error(`the crash reader said ${String(line.value)}`);
    }),
    exited,
  ]);
  const taken = ready.then(async () => {
    const values: string[] = [];
    while (values.length < take) {
      const line = await Promise.race([lines.next(), exited]);
      if (line.done) break;
      values.push(JSON.parse(line.value) as string);
    }
    return values;
  });
  return { ready, taken, kill: () => child.kill('SIGKILL') };
}
