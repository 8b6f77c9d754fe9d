/**
 * Reconnection of the amqp-1.0 plugin on Artemis and RabbitMQ: every client here talks to the
 * broker through a TCP proxy of its own (./proxy.ts), so cutting connections and playing a
 * dead broker touches no other test.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../../src/errors.js';
import { plugin } from '../../../src/plugins/amqp10/index.js';
import type { PluginReader } from '../../../src/spi/types.js';
import { Harness, next, requireBroker, text, unique } from '../amqp091/support.js';
import { CutProxy } from './proxy.js';

const brokers = [
  { name: 'Artemis', host: '127.0.0.1', port: 5682, script: 'scripts/artemis/setup.sh', queue: {} },
  {
    name: 'RabbitMQ',
    host: '127.0.0.1',
    port: 5672,
    script: 'scripts/rabbitmq/setup.sh',
    queue: { address_prefix: '/queue/' },
  },
];

const reconnect = { initial_delay_ms: 50, max_delay_ms: 400 };

/** Settles and collects messages until every one of `expected` came, or 10 s passed. */
async function collect(reader: PluginReader, expected: string[]): Promise<string[]> {
  const received: string[] = [];
  const signal = AbortSignal.timeout(10_000);
  while (!expected.every((t) => received.includes(t)) && !signal.aborted) {
    const message = await reader.receive({ signal }).catch(() => undefined);
    if (!message) break;
    await message.settle?.();
    received.push(new TextDecoder().decode(message.bytes));
  }
  return received;
}

/** Turns a hang into a failure that says so. */
const rejectAfter = (ms: number) =>
  new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`no outcome in ${ms} ms`)), ms).unref();
  });

describe.each(brokers)('amqp-1.0 reconnection on $name', (broker) => {
  let proxy: CutProxy;
  let h: Harness;
  beforeAll(() => requireBroker(broker.host, broker.port, broker.script));
  beforeEach(async () => {
    proxy = await CutProxy.start(broker.host, broker.port);
    h = new Harness(plugin, { brokers: [proxy.broker], params: { ...broker.queue, reconnect } });
  });
  afterEach(async () => {
    await h.closeAll();
    await proxy.close();
  });

  it('AT_LEAST_ONCE: nothing published before, at, during or after a cut is lost', async () => {
    const queue = unique('survive');
    const reader = await h.reader([queue]);
    const writer = await h.writer(queue, {
      params: { reconnect: { ...reconnect, initial_delay_ms: 200 } },
    });
    const sent: string[] = [];
    const publish = (value: string) => {
      sent.push(value);
      return writer.publish(text(value));
    };
    await publish('before');
    const held = await next(reader, false); // the user has it, but has not settled it yet
    expect(held.text).toBe('before');

    const atTheCut = Array.from({ length: 10 }, (_, i) => publish(`at the cut ${i}`));
    proxy.cut();
    // Once both noticed, and within the writer's first backoff (200 ms), publish more.
    await vi.waitFor(
      () => expect(h.warnings.filter((w) => /lost.*reconnecting/.test(w))).toHaveLength(2),
      { interval: 5 },
    );
    const whileDown = Array.from({ length: 5 }, (_, i) => publish(`while down ${i}`));
    // Its connection is gone, so the broker never hears this accept; it delivers the message
    // again (below) rather than lose it.
    await held.message.settle?.();

    // None rejects or hangs: what the broker had not accepted is sent again on the new
    // connection, and what was published meanwhile waits for it.
    const all = Promise.all([...atTheCut, ...whileDown]);
    await expect(Promise.race([all, rejectAfter(10_000)])).resolves.toBeDefined();
    await publish('after');

    const received = await collect(reader, sent);
    // Every message arrived; AT_LEAST_ONCE allows some twice ('before' at least, whose accept
    // was lost with the connection; a message whose acceptance was lost is sent again).
    expect(new Set(received)).toEqual(new Set(sent));
    expect(received.length).toBeGreaterThanOrEqual(sent.length);
  });

  it('attempts back off exponentially, up to max_delay_ms, while the broker is unreachable', async () => {
    const writer = await h.writer(unique('backoff'));
    proxy.refuse();
    const cutAt = performance.now();
    proxy.cut();
    await vi.waitFor(() => expect(proxy.refused.length).toBeGreaterThanOrEqual(8), {
      timeout: 15_000,
    });
    const times = [cutAt, ...proxy.refused.slice(0, 8)];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Planned: 50, 100, 200, 400, 400... ms. Timers fire late, never early, so these lower
    // bounds hold however busy the machine is: the gaps grow.
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual(0.9 * Math.min(400, 50 * 2 ** i));
    }
    // And stop growing: doubling on, the last four would be 800, 1600, 3200, 6400 ms.
    expect(Math.min(...gaps.slice(4))).toBeLessThan(800);
    proxy.accept();
    await expect(writer.publish(text('back'))).resolves.toBeUndefined();
  });

  it('close() while reconnecting ends at once; a publish still waiting is a ConnectionError', async () => {
    const writer = await h.writer(unique('closing'));
    proxy.refuse();
    proxy.cut();
    const waiting = expect(writer.publish(text('never sent'))).rejects.toBeInstanceOf(
      ConnectionError,
    );
    await vi.waitFor(() => expect(proxy.refused.length).toBeGreaterThanOrEqual(1));
    await writer.close();
    await waiting;
    // The next attempt was due within 400 ms: closed, it never comes, even to a broker that
    // would now answer.
    const attempts = proxy.refused.length;
    proxy.accept();
    await new Promise((done) => setTimeout(done, 1_200));
    expect([proxy.refused.length, proxy.forwarded]).toEqual([attempts, 1]);
  });

  it('close() of a reader while reconnecting: the broker hears no more of it', async () => {
    const reader = await h.reader([unique('closing')]);
    proxy.refuse();
    proxy.cut();
    await vi.waitFor(() => expect(proxy.refused.length).toBeGreaterThanOrEqual(2));
    await reader.close();
    const attempts = proxy.refused.length;
    proxy.accept();
    await new Promise((done) => setTimeout(done, 1_200));
    expect([proxy.refused.length, proxy.forwarded]).toEqual([attempts, 1]);
  });

  it('failover: when the first broker of the list goes, the next one is used', async () => {
    const second = await CutProxy.start(broker.host, broker.port);
    try {
      const urls = [`amqp://${proxy.broker}`, `amqp://${second.broker}`];
      const queue = unique('failover');
      const reader = await h.reader([queue], { brokers: urls });
      const writer = await h.writer(queue, { brokers: urls });
      expect([proxy.forwarded, second.forwarded]).toEqual([2, 0]);
      await writer.publish(text('via the first'));
      expect((await next(reader)).text).toBe('via the first');

      proxy.refuse();
      proxy.cut();
      await writer.publish(text('via the second'));
      // ('via the first' may come again: its accept may have been lost in the cut.)
      expect(await collect(reader, ['via the second'])).toContain('via the second');
      expect([proxy.refused.length, second.forwarded]).toEqual([0, 2]);
    } finally {
      await second.close();
    }
  });

  it('reconnect: false: a cut fails a pending read and publishes with ConnectionError', async () => {
    const params = { reconnect: false };
    const queue = unique('once');
    const reader = await h.reader([queue], { params });
    const writer = await h.writer(queue, { params });
    const reading = expect(reader.receive()).rejects.toBeInstanceOf(ConnectionError);
    const inFlight = expect(writer.publish(text('at the cut'))).rejects.toBeInstanceOf(
      ConnectionError,
    );
    proxy.cut();
    await reading;
    await inFlight;
    await expect(writer.publish(text('after'))).rejects.toBeInstanceOf(ConnectionError);
    await new Promise((done) => setTimeout(done, 300)); // (reconnecting, 50 ms would do)
    expect([proxy.forwarded, proxy.refused.length]).toEqual([2, 0]);
  });

  /** What a read pending on a reader without reconnect fails with once `frame` arrives. */
  async function readFailure(frame: Uint8Array): Promise<Error> {
    const reader = await h.reader([unique('hostile')], { params: { reconnect: false } });
    const reading = reader.receive();
    proxy.inject(frame);
    const error = await reading.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    return error as Error;
  }

  it('a frame rhea cannot take (a transfer on a link never attached) fails the read, not the process', async () => {
    expect(String((await readFailure(TRANSFER_ON_HANDLE_99)).cause)).toMatch(/handle 99/);
  });

  it('a session the broker ends with an error fails the read, its cause leading to no client', async () => {
    const cause = (await readFailure(END_WITH_ERROR)).cause as Record<string, unknown>;
    expect(String(cause)).toMatch(/ended by the test/);
    expect([cause.session, cause.connection, cause.link]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

/** An AMQP frame on channel 0 carrying one performative (its descriptor code and fields). */
function frame(code: number, fields: number[][]): Uint8Array {
  const body = [0x00, 0x53, code, ...list(fields)];
  const size = 8 + body.length;
  return Uint8Array.from([
    size >>> 24,
    (size >>> 16) & 0xff,
    (size >>> 8) & 0xff,
    size & 0xff,
    2,
    0,
    0,
    0,
    ...body,
  ]);
}

/** A list8 of encoded values. */
function list(items: number[][]): number[] {
  const bytes = items.flat();
  return [0xc0, bytes.length + 1, items.length, ...bytes];
}

/** A str8 (0xa1) or sym8 (0xa3). */
const str = (type: number, s: string) => [type, s.length, ...new TextEncoder().encode(s)];

/** A transfer (0x14) whose only field is handle 99 (smalluint). */
const TRANSFER_ON_HANDLE_99 = frame(0x14, [[0x52, 99]]);

/** An end (0x17) of the session with an error (0x1d): condition and description. */
const END_WITH_ERROR = frame(0x17, [
  [0x00, 0x53, 0x1d, ...list([str(0xa3, 'amqp:internal-error'), str(0xa1, 'ended by the test')])],
]);
