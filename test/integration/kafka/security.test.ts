import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationError, ConnectionError, InvalidArgumentError } from '../../../src/errors.js';
import {
  bytes,
  CERTS,
  DENIED_TOPIC,
  newTopic,
  type Options,
  reader,
  requireKafka,
  SASL,
  SSL,
  take,
  text,
  writer,
} from './helpers.js';

beforeAll(requireKafka);

/** Opens a reader and a writer with `options` and passes one message through them. */
async function roundTrip(options: Options): Promise<string[]> {
  const topic = newTopic('secure');
  const source = reader(topic, options);
  await source.open();
  const sink = writer(topic, options);
  try {
    await sink.open();
    await sink.publish(bytes('secret hello'));
    return (await take(source, 1)).map(text);
  } finally {
    await sink.close();
    await source.close();
  }
}

const sasl = (mechanism: string, user = 'alice', password = `${user}-secret`) => ({
  brokers: [SASL],
  params: {
    security_protocol: 'SASL_PLAINTEXT',
    sasl_mechanism: mechanism,
    sasl_plain_username: user,
    sasl_plain_password: password,
  },
});

describe('kafka plugin: authentication, TLS and ACLs', () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    it(`authenticates with SASL ${mechanism}`, async () => {
      expect(await roundTrip(sasl(mechanism))).toEqual(['secret hello']);
    });

    it(`refuses a bad ${mechanism} password with AuthorizationError, without echoing it`, async () => {
      const sink = writer(newTopic('badpw'), sasl(mechanism, 'alice', 'wrong-password-42'));
      const failure = await sink.open().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AuthorizationError);
      expect(failure).toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED', retriable: false });
      expect(String((failure as Error).message)).not.toContain('wrong-password-42');
    });
  }

  it('accepts the password as bytes (a decrypted !sinetstream/encrypted value)', async () => {
    const options = sasl('SCRAM-SHA-256');
    options.params.sasl_plain_password = bytes('alice-secret') as unknown as string;
    expect(await roundTrip(options)).toEqual(['secret hello']);
  });

  it('connects over TLS trusting the CA from the tls block', async () => {
    const tls = { ca_certs: resolve(CERTS, 'ca.crt') };
    expect(await roundTrip({ brokers: [SSL], tls })).toEqual(['secret hello']);
  });

  it('lets ssl_cafile with security_protocol SSL stand for the tls block', async () => {
    const params = { security_protocol: 'SSL', ssl_cafile: resolve(CERTS, 'ca.crt') };
    expect(await roundTrip({ brokers: [SSL], params })).toEqual(['secret hello']);
  });

  it('fails with ConnectionError when the server certificate is not trusted', async () => {
    const sink = writer(newTopic('untrusted'), { brokers: [SSL], tls: {} });
    const opening = sink.open();
    await expect(opening).rejects.toBeInstanceOf(ConnectionError);
    await expect(opening).rejects.toThrow(/TLS handshake failed/);
    await expect(opening).rejects.toMatchObject({ retriable: false });
  });

  it('names the key of a CA file that cannot be read', async () => {
    const params = { security_protocol: 'SSL', ssl_cafile: '/nonexistent/ca.pem' };
    await expect(writer(newTopic('noca'), { brokers: [SSL], params }).open()).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        message: expect.stringContaining('ssl_cafile'),
      }),
    );
  });

  it('refuses writing and reading an ACL-denied topic with AuthorizationError', async () => {
    const bob = sasl('SCRAM-SHA-512', 'bob');
    const writing = writer(DENIED_TOPIC, bob).open();
    await expect(writing).rejects.toBeInstanceOf(AuthorizationError);
    await expect(writing).rejects.toMatchObject({
      code: 'TOPIC_AUTHORIZATION_FAILED',
      retriable: false,
    });
    const reading = reader(DENIED_TOPIC, bob).open();
    await expect(reading).rejects.toBeInstanceOf(AuthorizationError);
    await expect(reading).rejects.toMatchObject({
      code: 'TOPIC_AUTHORIZATION_FAILED',
      retriable: false,
    });
    // The same user may use other topics, and other users this one.
    expect(await roundTrip(bob)).toEqual(['secret hello']);
    const alice = writer(DENIED_TOPIC, sasl('PLAIN', 'alice'));
    await alice.open();
    await alice.close();
  });

  it('gives up on a port that is not Kafka at its first answer, naming it', async () => {
    // A server that hangs up on every connection, as another broker's port does.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const options = { brokers: [`127.0.0.1:${port}`] };
      for (const opening of [
        writer(newTopic('notkafka'), options),
        reader(newTopic('notkafka'), options),
      ]) {
        connections = 0;
        const failure = opening.open();
        await expect(failure).rejects.toBeInstanceOf(ConnectionError);
        await expect(failure).rejects.toThrow(`127.0.0.1:${port} closed the connection`);
        // Once, not the client's retries within retries (16 connections, 15 s).
        expect(connections).toBe(1);
      }
    } finally {
      server.close();
    }
  });

  it('fails with ConnectionError, not a hang, when no broker listens', async () => {
    const options = { brokers: ['127.0.0.1:1'], params: { request_timeout_ms: 2000 } };
    for (const opening of [writer(newTopic('down'), options), reader(newTopic('down'), options)]) {
      const failure = opening.open();
      await expect(failure).rejects.toBeInstanceOf(ConnectionError);
      await expect(failure).rejects.toMatchObject({ code: 'ECONNREFUSED', retriable: true });
    }
  });

  it('rejects an unknown security_protocol or sasl_mechanism, naming key and value', async () => {
    const bad = writer(newTopic('bad'), { params: { security_protocol: 'SSL_PLAIN' } });
    await expect(bad.open()).rejects.toThrow(InvalidArgumentError);
    await expect(bad.open()).rejects.toThrow(/security_protocol: "SSL_PLAIN"/);
    const gssapi = writer(newTopic('bad'), { ...sasl('GSSAPI'), brokers: [SASL] });
    await expect(gssapi.open()).rejects.toThrow(/sasl_mechanism: "GSSAPI"/);
  });

  it('warns once per kafka-python name it does not honour, and refuses a mistyped value', async () => {
    const warnings: string[] = [];
    const params = { buffer_memory: 33554432, group_id: 'for-readers', linger_msec: 5 };
    const sink = writer(newTopic('warn'), { params, warnings });
    await sink.open();
    await sink.close();
    expect(warnings).toEqual([
      expect.stringMatching(
        /parameter buffer_memory: the writer bounds publishes in flight by count \(max_unacked_messages\), not bytes; ignored$/,
      ),
      expect.stringMatching(/parameter linger_msec .*\(did you mean linger_ms\?\)/),
    ]);
    const mistyped = writer(newTopic('warn'), { params: { acks: 'many' } });
    await expect(mistyped.open()).rejects.toThrow(
      /parameter acks: "many" is not one of 0, 1, -1, all/,
    );
  });
});
