/**
 * In Chromium: readers and writers of the browser build through Mosquitto's WebSocket
 * listeners (ws://127.0.0.1:9001, wss://127.0.0.1:9002; scripts/mosquitto/setup.sh), the
 * memory type, config fetched as YAML, and the errors a page meets.
 */
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  InvalidArgumentError,
  InvalidMessageError,
  loadConfigFromUrl,
  MessageReader,
  MessageWriter,
  NoConfigError,
} from '../../src/index.js';

const WS = '127.0.0.1:9001';
const WSS = '127.0.0.1:9002';

type Options = { service: string; config: Record<string, unknown>; topic?: string };

function service(settings: Record<string, unknown>) {
  return {
    service: 'browser',
    config: {
      header: { version: 3 },
      config: { browser: { topic: `browser-${crypto.randomUUID()}`, ...settings } },
    },
  };
}

const ENCRYPTED = {
  data_encryption: true,
  crypto: { algorithm: 'AES', key_length: 256, mode: 'GCM', password: 'page-secret' },
  data_compression: true,
  compression: { algorithm: 'zstd' },
};

/** Opens a reader, then a writer, publishes `values`, and returns what the reader got. */
async function roundTrip<T>(options: Options, values: T[]) {
  await using reader = await new MessageReader<T>({ ...options, receiveTimeoutMs: 3000 }).open();
  await using writer = await new MessageWriter<T>(options).open();
  for (const value of values) await writer.publish(value);
  const received: T[] = [];
  for await (const message of reader) {
    received.push(message.value);
    if (received.length === values.length) break;
  }
  return { received, written: writer.metrics.msgCountTotal, read: reader.metrics.msgCountTotal };
}

describe.each([
  ['ws://', WS, {}],
  ['wss://', WSS, { tls: true }],
])('MQTT over %s', (_scheme, brokers, tls) => {
  it.each(['MQTTv311', 'MQTTv5'])('%s: text, AES-GCM + zstd, metrics', async (protocol) => {
    const options = service({
      type: 'mqtt',
      brokers,
      value_type: 'text',
      type_spec: { transport: 'websockets', protocol, qos: 1, ...tls },
      ...ENCRYPTED,
    });
    const { received, written, read } = await roundTrip(options, ['one', 'two', 'три']);
    expect(received).toEqual(['one', 'two', 'три']);
    expect(written).toBe(3);
    expect(read).toBe(3);
  });
});

it('byte_array over the memory type, message format 2, CFB-192 + gzip', async () => {
  const options = service({
    type: 'memory',
    value_type: 'byte_array',
    message_format: 2,
    data_encryption: true,
    crypto: { algorithm: 'AES', key_length: 192, mode: 'CFB', password: 'p' },
    data_compression: true,
    compression: { algorithm: 'gzip' },
  });
  const { received } = await roundTrip(options, [Uint8Array.of(1, 2, 3), new Uint8Array(0)]);
  expect(received).toEqual([Uint8Array.of(1, 2, 3), new Uint8Array(0)]);
});

it('ndarray and image values over the memory type (PNG from a canvas-like RGBA buffer)', async () => {
  const matrix = {
    dtype: 'float32' as const,
    shape: [2, 3],
    data: Float32Array.of(1, 2, 3, 4, 5, 6),
  };
  const [array] = (await roundTrip(service({ type: 'memory', value_type: 'ndarray' }), [matrix]))
    .received as (typeof matrix)[];
  expect(array!.shape).toEqual([2, 3]);
  expect(Array.from(array!.data)).toEqual([1, 2, 3, 4, 5, 6]);

  const rgba = new Uint8ClampedArray(2 * 2 * 4).map((_, i) => (i * 37) & 0xff);
  const [image] = (
    await roundTrip(service({ type: 'memory', value_type: 'image' }), [
      { width: 2, height: 2, data: rgba },
    ])
  ).received as unknown as { width: number; height: number; channels: number; data: Uint8Array }[];
  expect([image!.width, image!.height, image!.channels]).toEqual([2, 2, 4]);
  expect(Array.from(image!.data)).toEqual(Array.from(rgba));
});

it('reads a config the page fetched as YAML (EAX-256 key from !!binary, lz4)', async () => {
  const config = await loadConfigFromUrl('/test/browser/fixtures/config.yml');
  const options = { service: 'browser-yaml', config, topic: `browser-${crypto.randomUUID()}` };
  const { received } = await roundTrip(options, [Uint8Array.of(9, 8, 7)]);
  expect(received).toEqual([Uint8Array.of(9, 8, 7)]);
});

it('a reader with the wrong password gets InvalidMessageError', async () => {
  const writerOptions = service({
    type: 'mqtt',
    brokers: WS,
    value_type: 'text',
    type_spec: { transport: 'websockets', qos: 1 },
    ...ENCRYPTED,
  });
  const inner: Record<string, unknown> = writerOptions.config.config.browser;
  const readerOptions = {
    ...writerOptions,
    config: {
      ...writerOptions.config,
      config: { browser: { ...inner, crypto: { ...ENCRYPTED.crypto, password: 'wrong' } } },
    },
  };
  await using reader = await new MessageReader<string>({
    ...readerOptions,
    receiveTimeoutMs: 3000,
  }).open();
  await using writer = await new MessageWriter<string>(writerOptions).open();
  await writer.publish('secret');
  const iteration = (async () => {
    for await (const _message of reader) return 'delivered';
    return 'nothing';
  })();
  await expect(iteration).rejects.toThrow(InvalidMessageError);
});

describe('what a browser cannot do is an error that says why', () => {
  const tlsService = (tls: Record<string, unknown>) =>
    service({
      type: 'mqtt',
      brokers: WSS,
      type_spec: { transport: 'websockets', tls },
    });

  it('inline TLS data (ca_certs_data): the browser does its own TLS', async () => {
    const writer = new MessageWriter(tlsService({ ca_certs_data: '-----BEGIN CERTIFICATE-----' }));
    const error = await writer.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/ca_certs.*browser makes the TLS connection itself/);
  });

  it('a certificate file path: a browser reads no files', async () => {
    const writer = new MessageWriter(tlsService({ certfile: '/etc/client.pem' }));
    await expect(writer.open()).rejects.toThrow(
      /certfile: cannot read "\/etc\/client.pem": a browser cannot read files.*the browser makes the connection itself/,
    );
  });

  it('no config at all: NoConfigError', () => {
    expect(() => new MessageWriter({ service: 'x' })).toThrow(NoConfigError);
  });

  it('a port with nothing listening: ConnectionError', async () => {
    const writer = new MessageWriter(
      service({
        type: 'mqtt',
        brokers: '127.0.0.1:9',
        type_spec: { transport: 'websockets' },
      }),
    );
    await expect(writer.open()).rejects.toThrow(ConnectionError);
  });
});
