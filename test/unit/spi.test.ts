import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { InFlight } from '../../src/spi/in-flight.js';
import { backoffDelay, MessageQueue, parseBroker } from '../../src/spi/index.js';
import { byteArrayValueType, textValueType } from '../../src/value-types/index.js';

const message = (n: number) => ({ bytes: Uint8Array.of(n), topic: 't', raw: n });

describe('parseBroker', () => {
  it('applies the default port and reads host:port and [v6]:port', () => {
    expect(parseBroker('kafka-1', 9092)).toEqual({ host: 'kafka-1', port: 9092 });
    expect(parseBroker(' broker:1883 ', 1)).toEqual({ host: 'broker', port: 1883 });
    expect(parseBroker('[::1]:5672', 1)).toEqual({ host: '::1', port: 5672 });
    expect(parseBroker('[::1]', 80)).toEqual({ host: '::1', port: 80 });
    expect(() => parseBroker('host:99999', 1)).toThrow(InvalidArgumentError);
    expect(() => parseBroker('host:99999', 1)).toThrow(/host:99999/);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay with each failed attempt, up to the maximum', () => {
    const settings = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((failed) => backoffDelay(settings, failed))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('MessageQueue', () => {
  it('hands buffered and later messages to receivers in order', async () => {
    const queue = new MessageQueue();
    queue.push(message(1));
    const waiting = [queue.receive(), queue.receive()];
    queue.push(message(2));
    expect((await Promise.all(waiting)).map((m) => m?.raw)).toEqual([1, 2]);
  });

  it('loses no message when a receive is aborted', async () => {
    const queue = new MessageQueue();
    const controller = new AbortController();
    const aborted = queue.receive({ signal: controller.signal });
    controller.abort(new Error('timeout'));
    await expect(aborted).rejects.toThrow('timeout');
    queue.push(message(3));
    expect((await queue.receive())?.raw).toBe(3);
  });

  it('one signal passed to receive after receive aborts only the receive still waiting', async () => {
    const queue = new MessageQueue();
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const first = queue.receive(options);
    queue.push(message(1));
    expect((await first)?.raw).toBe(1);
    const other = queue.receive();
    const second = queue.receive(options);
    controller.abort(new Error('timeout'));
    await expect(second).rejects.toThrow('timeout');
    queue.push(message(2));
    expect((await other)?.raw).toBe(2);
    const fresh = new AbortController();
    const third = queue.receive({ signal: fresh.signal });
    queue.push(message(3));
    expect((await third)?.raw).toBe(3);
  });

  it('listens once to each signal, however receives alternate between signals', async () => {
    const queue = new MessageQueue();
    const signals = [new AbortController(), new AbortController()];
    for (let i = 0; i < 20; i++) {
      const receiving = queue.receive({ signal: signals[i % 2]!.signal });
      queue.push(message(i));
      expect((await receiving)?.raw).toBe(i);
    }
    expect(signals.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([1, 1]);
    const waiting = queue.receive({ signal: signals[1]!.signal });
    signals[0]!.abort(new Error('first'));
    signals[1]!.abort(new Error('second'));
    await expect(waiting).rejects.toThrow('second');
  });

  it('resolves pending receives with undefined on close, and fails them on fail', async () => {
    const queue = new MessageQueue();
    const pending = queue.receive();
    queue.close();
    await expect(pending).resolves.toBeUndefined();
    const failing = new MessageQueue();
    const waiting = failing.receive();
    failing.fail(new Error('connection lost'));
    await expect(waiting).rejects.toThrow('connection lost');
  });

  it('asks the source to pause above the high-water mark and to resume at half', async () => {
    const events: string[] = [];
    const queue = new MessageQueue({
      highWaterMark: 4,
      onHigh: () => events.push('high'),
      onLow: () => events.push('low'),
    });
    for (let i = 0; i < 4; i++) queue.push(message(i));
    expect(events).toEqual(['high']);
    await queue.receive();
    expect(events).toEqual(['high']);
    await queue.receive();
    expect(events).toEqual(['high', 'low']);
  });
});

describe('value types', () => {
  it('text is UTF-8 and refuses invalid UTF-8 as an InvalidMessageError', () => {
    expect(textValueType.serialize('日本')).toEqual(new TextEncoder().encode('日本'));
    expect(() => textValueType.deserialize(Uint8Array.of(0xff))).toThrow(/not valid UTF-8/);
  });

  it('byte_array passes bytes through and refuses other values', () => {
    const bytes = Uint8Array.of(1);
    expect(byteArrayValueType.serialize(bytes)).toBe(bytes);
    expect(() => byteArrayValueType.serialize(1 as unknown as Uint8Array)).toThrow(/Uint8Array/);
  });
});

describe('InFlight', () => {
  it('idle() resolves at once with nothing under way, else when the last one ends', async () => {
    const inFlight = new InFlight();
    await inFlight.idle();
    inFlight.start();
    inFlight.start();
    let idle = false;
    const waiting = [inFlight.idle(), inFlight.idle()].map((p) => p.then(() => (idle = true)));
    inFlight.end();
    await Promise.resolve();
    expect(idle).toBe(false);
    inFlight.end();
    await Promise.all(waiting);
    expect(idle).toBe(true);
  });
});
