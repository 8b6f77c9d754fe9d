import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationError, ConnectionError } from '../../../src/index.js';
import { collect, newTopic, reader, roundTrip, type Service, writer } from './clients.js';
import { CERTS, PORTS, requireMosquitto, USER } from './mosquitto.js';
import { startProxy, type TestProxy } from './proxy.js';

beforeAll(requireMosquitto);

const broker = (port: number) => `127.0.0.1:${port}`;
const PROTOCOLS = ['MQTTv31', 'MQTTv311', 'MQTTv5'] as const;

describe('mqtt TLS on Mosquitto', () => {
  it.each(PROTOCOLS)(
    '%s: verifies the broker against the CA of the common tls block',
    async (protocol) => {
      const service = {
        type: 'mqtt',
        brokers: broker(PORTS.tls),
        tls: { ca_certs: CERTS.ca },
        type_spec: { protocol },
      };
      expect(await roundTrip(service)).toEqual(['hello']);
    },
  );

  it("takes paho's tls_set spelling of config v1/v2", async () => {
    const service = {
      type: 'mqtt',
      brokers: broker(PORTS.tls),
      tls_set: { ca_certs: CERTS.ca },
    };
    expect(await roundTrip(service)).toEqual(['hello']);
  });

  it('rejects a broker whose certificate no trusted CA signed, with ConnectionError', async () => {
    const open = writer(
      { type: 'mqtt', brokers: broker(PORTS.tls), tls: true },
      { topic: 't' },
    ).open();
    await expect(open).rejects.toThrow(ConnectionError);
    await expect(open).rejects.toThrow(/8883 \(TLS\): TLS handshake failed: .*certificate/);
    await expect(open).rejects.toMatchObject({ retriable: false });
  });

  it('sends the client certificate a listener requires', async () => {
    const tls = { ca_certs: CERTS.ca, certfile: CERTS.clientCert, keyfile: CERTS.clientKey };
    expect(await roundTrip({ type: 'mqtt', brokers: broker(PORTS.clientCert), tls })).toEqual([
      'hello',
    ]);
  });

  it('reports a missing client certificate as AuthorizationError', async () => {
    const service = {
      type: 'mqtt',
      brokers: broker(PORTS.clientCert),
      tls: { ca_certs: CERTS.ca },
    };
    await expect(writer(service, { topic: 't' }).open()).rejects.toThrow(
      expect.objectContaining({
        name: 'AuthorizationError',
        message: expect.stringMatching(/client certificate/),
        code: expect.stringMatching(/^ERR_SSL_.*ALERT/),
        retriable: false,
      }),
    );
  });

  it.each(['MQTTv311', 'MQTTv5'])('%s over secure WebSocket', async (protocol) => {
    const service = {
      type: 'mqtt',
      brokers: broker(PORTS.wss),
      tls: { ca_certs: CERTS.ca },
      type_spec: { protocol, transport: 'websockets' },
    };
    expect(await roundTrip(service)).toEqual(['hello']);
  });

  it('names a CA file it cannot read', async () => {
    const service = {
      type: 'mqtt',
      brokers: broker(PORTS.tls),
      tls: { ca_certs: '/nonexistent/ca.pem' },
    };
    await expect(writer(service, { topic: 't' }).open()).rejects.toThrow(
      /ca_certs.*\/nonexistent\/ca\.pem/,
    );
  });

  describe('host name check', () => {
    let proxy: TestProxy;
    // A TLS front whose certificate (the client one) names "sinetstream-client", not 127.0.0.1.
    beforeAll(async () => {
      proxy = await startProxy(PORTS.tcp, { cert: CERTS.clientCert, key: CERTS.clientKey });
    });
    afterAll(() => proxy.close());

    it('refuses a certificate that does not name the host', async () => {
      const service = { type: 'mqtt', brokers: broker(proxy.port), tls: { ca_certs: CERTS.ca } };
      await expect(writer(service, { topic: 't' }).open()).rejects.toThrow(ConnectionError);
    });

    it.each([
      ['tls.check_hostname: false', { tls: { ca_certs: CERTS.ca, check_hostname: false } }],
      ['tls_insecure: true', { tls: { ca_certs: CERTS.ca }, type_spec: { tls_insecure: true } }],
      [
        'tls_insecure_set.value: true',
        { tls: { ca_certs: CERTS.ca }, type_spec: { tls_insecure_set: { value: true } } },
      ],
    ])('accepts it with %s', async (_, settings) => {
      expect(await roundTrip({ type: 'mqtt', brokers: broker(proxy.port), ...settings })).toEqual([
        'hello',
      ]);
    });
  });
});

describe('mqtt passwords and ACL on Mosquitto', () => {
  const withUser = (protocol: string, password = USER.password): Service => ({
    type: 'mqtt',
    brokers: broker(PORTS.password),
    type_spec: { protocol, username_pw: { username: USER.username, password } },
  });

  it.each(PROTOCOLS)('%s: connects with the right password', async (protocol) => {
    expect(await roundTrip(withUser(protocol))).toEqual(['hello']);
  });

  it.each(PROTOCOLS)(
    '%s: a wrong password is AuthorizationError that does not show it',
    async (protocol) => {
      const open = writer(withUser(protocol, 'not-the-password'), { topic: 't' }).open();
      await expect(open).rejects.toThrow(AuthorizationError);
      await expect(open).rejects.toThrow(
        /refused the connection: .*(not authorized|password|Not authorized)/i,
      );
      await expect(open).rejects.not.toThrow(/not-the-password/);
      // Bad user name or password, or not authorized: MQTT 3 and MQTT 5 number them apart.
      const codes = protocol === 'MQTTv5' ? [134, 135] : [4, 5];
      await expect(open).rejects.toMatchObject({
        code: expect.toSatisfy((code) => codes.includes(code as number)),
        retriable: false,
      });
    },
  );

  it("takes paho's username_pw_set spelling of config v1/v2", async () => {
    const service = { type: 'mqtt', brokers: broker(PORTS.password), username_pw_set: USER };
    expect(await roundTrip(service)).toEqual(['hello']);
  });

  it('no credentials on a password listener is AuthorizationError', async () => {
    const open = writer({ type: 'mqtt', brokers: broker(PORTS.password) }, { topic: 't' }).open();
    await expect(open).rejects.toThrow(AuthorizationError);
  });

  // What MQTT lets a client see of an ACL: MQTT 3 has no negative acknowledgement for a
  // publish, so the broker accepts it and drops it; MQTT 5 answers with "not authorized".
  // Mosquitto grants a subscription to a denied topic and then delivers nothing from it.
  it('MQTTv311: a publish to a denied topic is accepted and dropped', async () => {
    const topic = `denied/${newTopic('acl')}`;
    await using watcher = await reader(
      { type: 'mqtt', brokers: broker(PORTS.tcp) },
      { topics: topic, receiveTimeoutMs: 1_000 },
    ).open();
    await using sink = await writer(withUser('MQTTv311'), {
      topic,
      consistency: 'AT_LEAST_ONCE',
    }).open();
    await sink.publish(Uint8Array.of(1));
    expect(await collect(watcher, 1)).toEqual([]);
  });

  it('MQTTv5: a publish to a denied topic at QoS 1 is AuthorizationError naming the topic', async () => {
    const topic = `denied/${newTopic('acl')}`;
    await using sink = await writer(withUser('MQTTv5'), {
      topic,
      consistency: 'AT_LEAST_ONCE',
    }).open();
    await expect(sink.publish(Uint8Array.of(1))).rejects.toThrow(AuthorizationError);
    await expect(sink.publish(Uint8Array.of(1))).rejects.toThrow(topic);
    await expect(sink.publish(Uint8Array.of(1))).rejects.toMatchObject({
      code: 135,
      retriable: false,
    });
  });

  it('a subscription to a denied topic delivers nothing', async () => {
    const topic = `denied/${newTopic('acl')}`;
    await using source = await reader(withUser('MQTTv5'), {
      topics: topic,
      receiveTimeoutMs: 1_000,
    }).open();
    await using sink = await writer({ type: 'mqtt', brokers: broker(PORTS.tcp) }, { topic }).open();
    await sink.publish(Uint8Array.of(1));
    expect(await collect(source, 1)).toEqual([]);
  });
});
