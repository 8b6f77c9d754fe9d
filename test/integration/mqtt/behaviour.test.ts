import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConnectionError, InvalidArgumentError, type Logger } from '../../../src/index.js';
import { plugin } from '../../../src/plugins/mqtt/index.js';
import { createReaderContext, createWriterContext } from '../../../src/testing/plugin-context.js';
import { unusedPort } from '../../support/net.js';
import { collect, newTopic, reader, roundTrip, type Service, writer } from './clients.js';
import { PORTS, requireMosquitto } from './mosquitto.js';
import { startProxy, type TestProxy } from './proxy.js';

beforeAll(requireMosquitto);

const mosquitto = (typeSpec: Record<string, unknown> = {}, extra: Service = {}): Service => ({
  type: 'mqtt',
  brokers: `127.0.0.1:${PORTS.tcp}`,
  type_spec: typeSpec,
  ...extra,
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

describe('mqtt connecting', () => {
  it('a refused connection rejects open() with ConnectionError naming the broker', async () => {
    const port = await unusedPort();
    const open = writer({ type: 'mqtt', brokers: `127.0.0.1:${port}` }, { topic: 't' }).open();
    await expect(open).rejects.toThrow(ConnectionError);
    await expect(open).rejects.toThrow(`127.0.0.1:${port}`);
    await expect(open).rejects.toMatchObject({ code: 'ECONNREFUSED', retriable: true });
  });

  it('fails over to the next broker of the list', async () => {
    const port = await unusedPort();
    const service = { type: 'mqtt', brokers: [`127.0.0.1:${port}`, `127.0.0.1:${PORTS.tcp}`] };
    expect(await roundTrip(service)).toEqual(['hello']);
  });

  it('names every broker when none accepts', async () => {
    const ports = [await unusedPort(), await unusedPort()];
    const open = writer(
      { type: 'mqtt', brokers: ports.map((p) => `127.0.0.1:${p}`) },
      { topic: 't' },
    ).open();
    await expect(open).rejects.toThrow(new RegExp(`${ports[0]}.*${ports[1]}`));
  });

  it('refuses an unknown protocol name', async () => {
    await expect(() =>
      writer(mosquitto({ protocol: 'MQTTv6' }), { topic: 't' }).open(),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses a parameter of the wrong type, naming the key and not the value', async () => {
    const service = mosquitto({ username_pw: { username: 'u', password: 12345 } });
    const opening = writer(service, { topic: newTopic('types') }).open();
    await expect(opening).rejects.toThrow(InvalidArgumentError);
    await expect(writer(service, { topic: 't' }).open()).rejects.toThrow(
      /parameter username_pw\.password: expected a secret: a string or binary data, got a number$/,
    );
  });

  it('warns once about an unknown parameter, with the nearest name, and goes on', async () => {
    const logger = recordingLogger();
    const service = mosquitto({ retian: true, qos: 1 });
    await using sink = await writer(service, { topic: newTopic('typo'), logger }).open();
    await sink.publish(Uint8Array.of(1));
    expect(logger.warnings).toEqual([
      expect.stringMatching(/parameter retian is not a mqtt parameter \(did you mean retain\?\)/),
    ]);
  });
});

describe('mqtt QoS', () => {
  /** The QoS a message arrived with, read by a QoS 2 reader, from what `writerService` sent. */
  async function deliveredQos(
    writerService: Service,
    apiConsistency?: 'AT_MOST_ONCE',
  ): Promise<number> {
    const topic = newTopic('qos');
    await using source = await reader(mosquitto({ qos: 2 }), { topics: topic }).open();
    const options = apiConsistency ? { topic, consistency: apiConsistency } : { topic };
    await using sink = await writer(writerService, options).open();
    await sink.publish(Uint8Array.of(1));
    const [message] = await collect(source, 1);
    return (message!.raw as { qos: number }).qos;
  }

  it('maps consistency to QoS', async () => {
    expect(await deliveredQos(mosquitto({}, { consistency: 'AT_LEAST_ONCE' }))).toBe(1);
    expect(await deliveredQos(mosquitto({}, { consistency: 'EXACTLY_ONCE' }))).toBe(2);
  });

  it('qos beats consistency in the file; consistency given to the API beats both', async () => {
    const service = mosquitto({ qos: 1 }, { consistency: 'EXACTLY_ONCE' });
    expect(await deliveredQos(service)).toBe(1);
    expect(await deliveredQos(service, 'AT_MOST_ONCE')).toBe(0);
  });
});

describe('mqtt sessions, retain and will', () => {
  it('keeps a retained message for a reader that subscribes later', async () => {
    const topic = newTopic('retain');
    {
      await using sink = await writer<string>(mosquitto({ retain: true }), {
        topic,
        valueType: 'text',
      }).open();
      await sink.publish('kept');
    }
    await using source = await reader<string>(mosquitto(), {
      topics: topic,
      valueType: 'text',
    }).open();
    expect((await collect(source, 1)).map((m) => m.value)).toEqual(['kept']);
  });

  it.each([
    ['MQTTv311', { clean_session: false }],
    ['MQTTv5', { clean_start: false, session_expiry_interval: 60 }],
  ])(
    '%s: a persistent session keeps QoS 1 messages sent while the reader was away',
    async (protocol, session) => {
      const topic = newTopic('session');
      const service = mosquitto({ protocol, ...session }, { consistency: 'AT_LEAST_ONCE' });
      const clientId = `sinetstream-it-${topic.slice(-8)}`;
      await (await reader(service, { topics: topic, clientId }).open()).close();
      {
        await using sink = await writer<string>(service, { topic, valueType: 'text' }).open();
        await sink.publish('while away');
      }
      await using source = await reader<string>(service, {
        topics: topic,
        clientId,
        valueType: 'text',
      }).open();
      expect((await collect(source, 1)).map((m) => m.value)).toEqual(['while away']);
    },
  );

  describe('through a proxy that can cut the connection', () => {
    let proxy: TestProxy;
    beforeAll(async () => {
      proxy = await startProxy(PORTS.tcp);
    });
    afterAll(() => proxy.close());

    it('the broker publishes the will, as a SINETStream message, when the connection breaks', async () => {
      const willTopic = newTopic('will');
      await using watcher = await reader<string>(mosquitto(), {
        topics: willTopic,
        valueType: 'text',
      }).open();
      const will = { topic: willTopic, payload: 'gone', qos: 1, value_type: 'text' };
      const service = { type: 'mqtt', brokers: `127.0.0.1:${proxy.port}`, type_spec: { will } };
      await using _sink = await writer(service, { topic: newTopic('will-writer') }).open();
      proxy.drop();
      const [message] = await collect(watcher, 1);
      expect(message?.value).toBe('gone');
      expect(message?.timestampUs).toBe(0);
    });

    it("encrypts the will with the will block's own crypto settings", async () => {
      const willTopic = newTopic('will-crypto');
      const crypto = { algorithm: 'AES', key_length: 256, mode: 'GCM', password: 'will-secret' };
      await using watcher = await reader<string>(mosquitto(), {
        topics: willTopic,
        valueType: 'text',
        dataEncryption: true,
        crypto,
      }).open();
      const will = {
        topic: willTopic,
        payload: 'gone quietly',
        value_type: 'text',
        data_encryption: true,
        crypto,
      };
      const service = { type: 'mqtt', brokers: `127.0.0.1:${proxy.port}`, type_spec: { will } };
      await using _sink = await writer(service, { topic: newTopic('will-writer') }).open();
      proxy.drop();
      const [message] = await collect(watcher, 1);
      expect(message?.value).toBe('gone quietly');
    });

    it('reconnects after reconnect_delay and delivers what was published meanwhile', async () => {
      const topic = newTopic('reconnect');
      await using source = await reader<string>(mosquitto(), {
        topics: topic,
        valueType: 'text',
      }).open();
      const service = {
        type: 'mqtt',
        brokers: `127.0.0.1:${proxy.port}`,
        consistency: 'AT_LEAST_ONCE',
        type_spec: { reconnect_delay: { min_delay: 0.05, max_delay: 0.2 } },
      };
      await using sink = await writer<string>(service, {
        topic,
        valueType: 'text',
        logger: recordingLogger(),
      }).open();
      proxy.drop();
      await sink.publish('after the cut');
      expect((await collect(source, 1)).map((m) => m.value)).toEqual(['after the cut']);
    });
  });
});

describe('mqtt reconnection to a broker that stays down', () => {
  const reconnect_delay = { min_delay: 0.05, max_delay: 0.4 };

  async function downAfterOpen() {
    const proxy = await startProxy(PORTS.tcp);
    onTestFinished(() => proxy.close());
    const logger = recordingLogger();
    const service = mosquitto({ reconnect_delay }, { brokers: `127.0.0.1:${proxy.port}` });
    const sink = await writer<string>(service, {
      topic: newTopic('down'),
      valueType: 'text',
      consistency: 'AT_LEAST_ONCE',
      logger,
    }).open();
    onTestFinished(() => sink.close());
    proxy.refuse();
    const cutAt = performance.now();
    proxy.drop();
    return { proxy, logger, sink, cutAt };
  }

  it('retries less and less often, up to max_delay, with one warning for the loss', async () => {
    const { proxy, logger, sink, cutAt } = await downAfterOpen();
    await vi.waitFor(() => expect(proxy.refused.length).toBeGreaterThanOrEqual(7), {
      timeout: 15_000,
    });
    const times = [cutAt, ...proxy.refused.slice(0, 7)];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Planned: 50, 100, 200, 400, 400... ms. Timers fire late, never early, so these lower
    // bounds hold however busy the machine is: the gaps grow.
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual(0.9 * Math.min(400, 50 * 2 ** i));
    }
    // And stop growing: doubling on, the last three would be 800, 1600, 3200 ms.
    expect(Math.min(...gaps.slice(4))).toBeLessThan(800);
    expect(logger.warnings.filter((w) => /lost the connection/.test(w))).toHaveLength(1);
    proxy.accept();
    await sink.publish('back');
  });

  it('close() while waiting to retry ends the retries: the broker hears no more of it', async () => {
    const { proxy, sink } = await downAfterOpen();
    await vi.waitFor(() => expect(proxy.refused.length).toBeGreaterThanOrEqual(2));
    await sink.close();
    const attempts = proxy.refused.length;
    proxy.accept();
    // Several retry delays (at most 400 ms each).
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect([proxy.refused.length, proxy.forwarded]).toEqual([attempts, 1]);
  });
});

describe('mqtt reader (SPI)', () => {
  it('an aborted receive loses no message', async () => {
    const topic = newTopic('abort');
    const input = {
      brokers: [`127.0.0.1:${PORTS.tcp}`],
      clientId: `sinetstream-it-${topic.slice(-8)}`,
      logger: recordingLogger(),
    };
    const source = plugin.createReader(await createReaderContext(plugin, [topic], input));
    const sink = plugin.createWriter(
      await createWriterContext(plugin, topic, { ...input, clientId: `${input.clientId}-w` }),
    );
    await source.open();
    await sink.open();
    try {
      const controller = new AbortController();
      const aborted = source.receive({ signal: controller.signal });
      controller.abort(new Error('stop waiting'));
      await expect(aborted).rejects.toThrow('stop waiting');
      await sink.publish(Uint8Array.of(7));
      const message = await source.receive();
      expect(message?.topic).toBe(topic);
      expect([...message!.bytes]).toEqual([7]);
    } finally {
      await sink.close();
      await source.close();
    }
  });
});
