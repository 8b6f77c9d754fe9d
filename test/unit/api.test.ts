import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AlreadyConnectedError,
  AsyncMessageReader,
  createRegistry,
  InvalidArgumentError,
  InvalidMessageError,
  MessageReader,
  MessageWriter,
  NoConfigError,
  NotOpenError,
  PublishError,
  UnsupportedOperationError,
  UnsupportedServiceTypeError,
} from '../../src/index.js';
import type { BrokerPlugin, TlsSettings } from '../../src/spi/index.js';
import { MessageQueue } from '../../src/spi/index.js';

let brokerCount = 0;
/** A service on a fresh in-memory broker, so tests never see each other's messages. */
function memory(extra: Record<string, unknown> = {}) {
  brokerCount++;
  return { config: { s: { type: 'memory', brokers: `api-${brokerCount}`, topic: 't', ...extra } } };
}

/** A broker plugin whose reader hands out scripted messages and records acknowledgements. */
function scriptedPlugin(messages: Uint8Array[], settled: string[]): BrokerPlugin {
  return {
    type: 'scripted',
    createWriter: () => ({ open: async () => {}, publish: async () => {}, close: async () => {} }),
    createReader: (context) => {
      const queue = new MessageQueue();
      return {
        open: async () => {
          for (const [i, bytes] of messages.entries()) {
            queue.push({
              bytes,
              topic: context.topics[0]!,
              raw: i,
              settle: () => void settled.push(`#${i}`),
            });
          }
        },
        receive: (options) => queue.receive(options),
        close: async () => queue.close(),
      };
    },
  };
}

describe('MessageWriter and MessageReader on type: memory', () => {
  it('exposes what was configured, and a generated client id', () => {
    const writer = new MessageWriter({
      ...memory({ consistency: 'AT_LEAST_ONCE' }),
      valueType: 'text',
    });
    expect(writer.service).toBe('s');
    expect(writer.topic).toBe('t');
    expect(writer.consistency).toBe('AT_LEAST_ONCE');
    expect(writer.valueType).toBe('text');
    expect(writer.clientId).toMatch(/^sinetstream-/);
    const reader = new MessageReader({ ...memory({ topics: ['a', 'b'] }), receiveTimeoutMs: 5 });
    expect(reader.topics).toEqual(['a', 'b']);
    expect(reader.receiveTimeoutMs).toBe(5);
  });

  it('reports config problems in the constructor', () => {
    expect(() => new MessageWriter({ configFile: '/nonexistent/config.yml' })).toThrow(
      NoConfigError,
    );
    expect(() => new MessageWriter({ config: { s: { type: 'memory' } } })).toThrow(
      /no topic given/,
    );
    expect(
      () => new MessageWriter({ config: { s: { type: 'memory', topics: ['a', 'b'] } } }),
    ).toThrow(InvalidArgumentError);
    expect(() => new MessageWriter({ noConfig: true, type: 'memory', topic: 't' })).not.toThrow();
  });

  it('fails open() with UnsupportedServiceTypeError for an unknown type', async () => {
    const writer = new MessageWriter({ config: { s: { type: 'pigeon', topic: 't' } } });
    await expect(writer.open()).rejects.toThrow(UnsupportedServiceTypeError);
    await expect(writer.open()).rejects.toThrow(/"pigeon"/);
  });

  it('refuses publish before open and after close, and a second open', async () => {
    const writer = new MessageWriter(memory());
    await expect(writer.publish(new Uint8Array(1))).rejects.toThrow(NotOpenError);
    await writer.open();
    await expect(writer.open()).rejects.toThrow(AlreadyConnectedError);
    await writer.close();
    await writer.close();
    await expect(writer.publish(new Uint8Array(1))).rejects.toThrow(NotOpenError);
    await expect(writer.open()).rejects.toThrow(/closed/);
  });

  it('ends a pending iteration when the reader is disposed', async () => {
    const options = memory();
    let iteration: Promise<number> | undefined;
    {
      await using reader = await new MessageReader(options).open();
      iteration = (async () => {
        let count = 0;
        for await (const _ of reader) count++;
        return count;
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect(iteration).resolves.toBe(0);
  });

  it('ends a pending iteration that has a receive timeout when the reader is disposed', async () => {
    const options = { ...memory(), receiveTimeoutMs: 60_000 };
    let iteration: Promise<number> | undefined;
    const started = Date.now();
    {
      await using reader = await new MessageReader(options).open();
      iteration = (async () => {
        let count = 0;
        for await (const _ of reader) count++;
        return count;
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect(iteration).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('counts only time spent waiting against receiveTimeoutMs, fresh for every receive', async () => {
    const options = { ...memory(), receiveTimeoutMs: 60 };
    await using reader = await new MessageReader(options).open();
    await using writer = await new MessageWriter(options).open();
    await writer.publish(Uint8Array.of(1));
    const seen: number[] = [];
    for await (const message of reader) {
      seen.push(message.value[0]!);
      if (seen.length > 1) continue;
      // Held past the timeout; the next message comes 30 ms into the next wait.
      await new Promise((resolve) => setTimeout(resolve, 150));
      setTimeout(() => void writer.publish(Uint8Array.of(2)), 30);
    }
    expect(seen).toEqual([1, 2]);
  });

  it('waits again when iterated again after a receive timeout', async () => {
    const options = { ...memory(), receiveTimeoutMs: 40 };
    await using reader = await new MessageReader(options).open();
    await using writer = await new MessageWriter(options).open();
    const count = async () => {
      let n = 0;
      for await (const _ of reader) n++;
      return n;
    };
    expect(await count()).toBe(0);
    setTimeout(() => void writer.publish(Uint8Array.of(1)), 15);
    expect(await count()).toBe(1);
  });

  it('closes cleanly while open() is still running', async () => {
    const reader = new MessageReader(memory());
    const opening = reader.open();
    await reader.close();
    await opening.catch(() => undefined);
    expect(reader.isOpen).toBe(false);
  });

  it('lets valueSerializer and valueDeserializer beat valueType', async () => {
    const options = { ...memory({ value_type: 'text' }), receiveTimeoutMs: 50 };
    await using reader = await new MessageReader<number[]>({
      ...options,
      valueDeserializer: (bytes) => [...bytes],
    }).open();
    await using writer = await new MessageWriter<number[]>({
      ...options,
      valueSerializer: (value) => Uint8Array.from(value),
    }).open();
    await writer.publish([1, 2, 3]);
    const values: number[][] = [];
    for await (const message of reader) values.push(message.value);
    expect(values).toEqual([[1, 2, 3]]);
  });

  it('refuses a value that does not fit the value type, naming it', async () => {
    await using writer = await new MessageWriter(memory()).open();
    await expect(writer.publish('text' as unknown as Uint8Array)).rejects.toThrow(
      /byte_array.*string/,
    );
    expect(writer.metrics.errorCountTotal).toBe(1);
  });

  it('fails a publish whose plugin throws instead of rejecting with a rejected promise, counted', async () => {
    const registry = createRegistry().registerBroker('throwing', {
      type: 'throwing',
      createReader: () => {
        throw new Error('unused');
      },
      createWriter: () => ({
        open: async () => {},
        publish: () => {
          throw new Error('socket gone');
        },
        close: async () => {},
      }),
    });
    const writer = await new MessageWriter({
      config: { s: { type: 'throwing', topic: 't' } },
      registry,
    }).open();
    let publishing: Promise<void> | undefined;
    expect(() => {
      publishing = writer.publish(new Uint8Array([1]));
    }).not.toThrow();
    await expect(publishing).rejects.toThrow(PublishError);
    await expect(publishing).rejects.toThrow(/socket gone/);
    expect(writer.metrics.errorCountTotal).toBe(1);
    await writer.close();
  });

  it('hands plugins TLS material as bytes, inline *_data or read once from a file', async () => {
    const seen: (TlsSettings | undefined)[] = [];
    const registry = createRegistry().registerBroker('probe', {
      type: 'probe',
      createReader: () => {
        throw new Error('unused');
      },
      createWriter: (context) => {
        seen.push(context.tls);
        return { open: async () => {}, publish: async () => {}, close: async () => {} };
      },
    });
    const directory = mkdtempSync(join(tmpdir(), 'sinetstream-tls-'));
    const caFile = join(directory, 'ca.pem');
    writeFileSync(caFile, 'CA FROM FILE');
    const tmpBefore = readdirSync(tmpdir()).length;
    const tlsBlocks = [
      { ca_certs_data: 'PEM TEXT', keyfile_password: 'pass-phrase' },
      { ca_certs: caFile, check_hostname: false },
    ];
    for (const tls of tlsBlocks) {
      const writer = new MessageWriter({
        config: { s: { type: 'probe', topic: 't', tls } },
        registry,
      });
      await writer.open();
      await writer.close();
    }
    expect(readdirSync(tmpdir()).length).toBe(tmpBefore);
    const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
    expect(text(seen[0]?.ca)).toBe('PEM TEXT');
    expect(seen[0]?.checkHostname).toBe(true);
    expect(seen[0]?.keyPassword?.revealText()).toBe('pass-phrase');
    expect(inspect(seen[0])).not.toContain('pass-phrase');
    expect(text(seen[1]?.ca)).toBe('CA FROM FILE');
    expect(seen[1]?.checkHostname).toBe(false);
    const missing = new MessageWriter({
      config: { s: { type: 'probe', topic: 't', tls: { certfile: join(directory, 'none.pem') } } },
      registry,
    });
    await expect(missing.open()).rejects.toThrow(/parameter tls\.certfile: cannot read/);
  });
});

describe('acknowledgement and bad messages', () => {
  it('refuses AT_LEAST_ONCE readers of a plugin that acknowledges on arrival', async () => {
    const plugin = { ...scriptedPlugin([], []), acknowledgesOnArrival: true };
    const registry = createRegistry().registerBroker('scripted', plugin);
    const config = { s: { type: 'scripted', topic: 't' } };
    for (const consistency of ['AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const) {
      const reader = new MessageReader({ config, registry, consistency });
      await expect(reader.open()).rejects.toThrow(UnsupportedOperationError);
      await expect(reader.open()).rejects.toThrow(/acknowledges on arrival; use AT_MOST_ONCE/);
    }
    await using reader = await new MessageReader({ config, registry }).open();
    expect(reader.consistency).toBe('AT_MOST_ONCE');
  });

  it('settles a message once the user asks for the next one, and on break', async () => {
    const settled: string[] = [];
    const { createMessageEncoder } = await import('../../src/index.js');
    const encode = await createMessageEncoder({ noConfig: true });
    const messages = [0, 1, 2].map((i) => encode.encode(Uint8Array.of(i)));
    const registry = createRegistry().registerBroker('scripted', scriptedPlugin(messages, settled));
    await using reader = await new MessageReader({
      config: { s: { type: 'scripted', topic: 't' } },
      registry,
      receiveTimeoutMs: 50,
    }).open();
    for await (const message of reader) {
      expect(settled).toEqual(message.value[0] === 0 ? [] : ['#0']);
      if (message.value[0] === 1) break;
    }
    expect(settled).toEqual(['#0', '#1']);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('link gone');
      },
    ],
    ['rejects', () => Promise.reject(new Error('link gone'))],
  ])(
    'a settle that %s ends the iteration with SinetError, the cause kept',
    async (_how, settle) => {
      const { createMessageEncoder } = await import('../../src/index.js');
      const bytes = (await createMessageEncoder({ noConfig: true })).encode(Uint8Array.of(1));
      const failing: BrokerPlugin = {
        ...scriptedPlugin([], []),
        createReader: (context) => {
          const queue = new MessageQueue();
          return {
            open: async () => {
              for (let i = 0; i < 2; i++)
                queue.push({ bytes, topic: context.topics[0]!, raw: i, settle });
            },
            receive: (options) => queue.receive(options),
            close: async () => queue.close(),
          };
        },
      };
      await using reader = await new MessageReader({
        config: { s: { type: 'scripted', topic: 't' } },
        registry: createRegistry().registerBroker('scripted', failing),
        receiveTimeoutMs: 50,
      }).open();
      const seen: number[] = [];
      const reading = (async () => {
        for await (const message of reader) seen.push(message.value[0]!);
      })();
      await expect(reading).rejects.toMatchObject({
        name: 'SinetError',
        message: expect.stringMatching(/acknowledging a message failed/),
        cause: { message: 'link gone' },
      });
      expect(seen).toEqual([1]);
    },
  );

  it('ends iteration with InvalidMessageError for a bad message, then goes on with the next', async () => {
    const settled: string[] = [];
    const { createMessageEncoder } = await import('../../src/index.js');
    const good = (await createMessageEncoder({ noConfig: true })).encode(Uint8Array.of(7));
    const registry = createRegistry().registerBroker(
      'scripted',
      scriptedPlugin([Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), good], settled),
    );
    await using reader = await new MessageReader({
      config: { s: { type: 'scripted', topic: 't' } },
      registry,
      receiveTimeoutMs: 50,
    }).open();
    const first = async () => {
      for await (const _ of reader) return;
    };
    await expect(first()).rejects.toThrow(InvalidMessageError);
    expect(settled).toEqual(['#0']);
    const values: number[] = [];
    for await (const message of reader) values.push(message.value[0]!);
    expect(values).toEqual([7]);
    expect(reader.metrics.errorCountTotal).toBe(1);
    expect(reader.metrics.msgCountTotal).toBe(1);
  });

  it('AsyncMessageReader sends bad messages to onFailure and good ones to onMessage', async () => {
    const settled: string[] = [];
    const { createMessageEncoder } = await import('../../src/index.js');
    const good = (await createMessageEncoder<string>({ noConfig: true, valueType: 'text' })).encode(
      'fine',
    );
    const registry = createRegistry().registerBroker(
      'scripted',
      scriptedPlugin([Uint8Array.of(0xde, 0xad), good], settled),
    );
    const reader = new AsyncMessageReader<string>({
      config: { s: { type: 'scripted', topic: 't', value_type: 'text' } },
      registry,
    });
    const failures: Error[] = [];
    const values: string[] = [];
    reader.onFailure = (error) => failures.push(error);
    reader.onMessage = (message) => void values.push(message.value);
    await reader.open();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await reader.close();
    expect(values).toEqual(['fine']);
    expect(failures.map((f) => f.name)).toEqual(['InvalidMessageError']);
    expect(settled).toEqual(['#0', '#1']);
  });
});

describe('third-party plugins', () => {
  it('loads a broker plugin from the module a service names in plugin:', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-plugin-'));
    const path = join(dir, 'pigeon.mjs');
    writeFileSync(
      path,
      `const sent = [];
export default {
  type: 'pigeon',
  createWriter: () => ({ open: async () => {}, publish: async (b) => { sent.push(b.length); }, close: async () => {} }),
  createReader: () => { throw new Error('no reader'); },
};
export { sent };
`,
    );
    const url = pathToFileURL(path).href;
    await using writer = await new MessageWriter({
      config: { s: { type: 'pigeon', topic: 't', plugin: url } },
    }).open();
    await writer.publish(Uint8Array.of(1, 2, 3));
    const module = (await import(url)) as { sent: number[] };
    expect(module.sent).toHaveLength(1);
    expect(module.sent[0]).toBeGreaterThan(3);
  });

  it('reports a plugin module that cannot be imported', async () => {
    const writer = new MessageWriter({
      config: { s: { type: 'ghost', topic: 't', plugin: 'no-such-package-xyz' } },
    });
    await expect(writer.open()).rejects.toThrow(/no-such-package-xyz/);
  });

  it('imports a lazily registered plugin once, on the first open that needs it', async () => {
    let loads = 0;
    const registry = createRegistry().registerBroker('lazy', async () => {
      loads++;
      return { ...scriptedPlugin([], []), type: 'lazy' };
    });
    const options = { config: { s: { type: 'lazy', topic: 't' } }, registry };
    const writers = [new MessageWriter(options), new MessageWriter(options)];
    expect(loads).toBe(0);
    for (const writer of writers) await writer.open();
    expect(loads).toBe(1);
    for (const writer of writers) await writer.close();
  });
});
