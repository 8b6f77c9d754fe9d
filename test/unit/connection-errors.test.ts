import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, MessageWriter } from '../../src/index.js';
import { classifyError } from '../../src/spi/index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
});

/** A loopback listener that is no broker: it hangs up on whoever connects. */
async function hangingUpListener(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function portWithNothingListening(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function openFailure(options: Record<string, unknown>): Promise<ConnectionError> {
  const writer = new MessageWriter({ noConfig: true, topic: 't', ...options });
  const error = await writer.open().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

describe('a connection that fails says where, to what, and the likely cause', () => {
  it('nothing listening', async () => {
    const port = await portWithNothingListening();
    const error = await openFailure({ type: 'mqtt', brokers: `127.0.0.1:${port}` });
    expect(error.message).toContain(`the mqtt broker at mqtt://127.0.0.1:${port}`);
    expect(error.message).toContain('nothing is listening');
    expect(error.message).not.toContain('\n');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a port that is not an AMQP listener', async () => {
    const port = await hangingUpListener();
    const error = await openFailure({ type: 'amqp-0.9.1', brokers: `127.0.0.1:${port}` });
    expect(error.message).toContain(`amqp-0.9.1 broker at amqp://guest@127.0.0.1:${port}/`);
    expect(error.message).toContain('is amqp-0.9.1 really what listens there?');
  });

  it('a port that is not an MQTT listener', async () => {
    const port = await hangingUpListener();
    const error = await openFailure({ type: 'mqtt', brokers: `127.0.0.1:${port}` });
    expect(error.message).toContain(`mqtt://127.0.0.1:${port}`);
    expect(error.message).toMatch(/is it an MQTT listener\?/);
  });

  it('TLS against a plaintext port', async () => {
    const port = await hangingUpListener();
    const error = await openFailure({ type: 'mqtt', brokers: `127.0.0.1:${port}`, tls: true });
    expect(error.message).toContain(`the mqtt broker at mqtts://127.0.0.1:${port} (TLS)`);
    expect(error.message).toContain('does not speak TLS: is it a plaintext port?');
  });

  it('a host name that does not resolve, and OpenSSL in one line', () => {
    const target = { type: 'kafka', address: 'broker:9092', tls: false };
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND broker'), {
      code: 'ENOTFOUND',
    });
    const error = classifyError({ what: 'kafka writer', error: unknownHost, connecting: target });
    expect(error.message).toBe(
      'kafka writer: cannot connect to the kafka broker at broker:9092: getaddrinfo ENOTFOUND broker. ' +
        'the host name in broker:9092 does not resolve: a typo, or a placeholder such as "broker" ' +
        "to replace with your broker's host?",
    );
    const openssl = Object.assign(
      new Error(
        '40DDAFCEF97F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n',
      ),
      { code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    );
    const tls = classifyError({
      what: 'svc',
      error: openssl,
      connecting: { ...target, tls: true },
    });
    expect(tls.message).toContain('TLS handshake failed: wrong version number. TLS is on');
  });
});
