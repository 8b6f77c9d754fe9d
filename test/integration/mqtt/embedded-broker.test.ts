import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  EMBEDDED_TOPIC_ALIAS_MAXIMUM,
  type EmbeddedBroker,
  startEmbeddedBroker,
} from '../../../src/plugins/mqtt/embedded-broker.js';

let broker: EmbeddedBroker;
const refusals: string[] = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0, log: (line) => refusals.push(line) });
});
afterAll(() => broker.close());

const topic = (label: string) => `embedded/${label}/${randomUUID().slice(0, 8)}`;
const clientId = (label: string) => `embedded-${label}-${randomUUID().slice(0, 8)}`;

type Version = 4 | 5;

/** A session the broker keeps while its client is away (MQTT 5: for ten minutes). */
function persistentSession(
  protocolVersion: Version,
  clientId: string,
): IClientOptions & { protocolVersion: Version } {
  return protocolVersion === 5
    ? { protocolVersion, clientId, clean: false, properties: { sessionExpiryInterval: 600 } }
    : { protocolVersion, clientId, clean: false };
}

async function connect(
  options: IClientOptions & { protocolVersion: Version },
  port = broker.port,
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    reconnectPeriod: 0,
    ...options,
  });
  onTestFinished(() => {
    client.end(true);
  });
  return client;
}

interface Received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

/** Every message `client` receives, in order, and a way to wait for the first `count`. */
function inbox(client: MqttClient) {
  const messages: Received[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString(), packet });
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    messages,
    async take(count: number): Promise<Received[]> {
      while (messages.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return messages.slice(0, count);
    },
  };
}

/** Kills the connection without DISCONNECT, as a crash would. */
function crash(client: MqttClient): void {
  client.stream.destroy();
}

const payloads = (received: Received[]) => received.map((message) => message.payload);

/**
 * An MQTT 5 connection driven packet by packet: `request` sends a packet and waits for the
 * broker's answer to it (SUBACK, PINGRESP, PUBREL).
 */
async function rawConnection(properties: IConnectPacket['properties']) {
  const socket = createConnection(broker.port, '127.0.0.1');
  onTestFinished(() => {
    socket.destroy();
  });
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const received: Packet[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => parser.parse(chunk));
  parser.on('packet', (packet: Packet) => {
    received.push(packet);
    for (const wake of waiters.splice(0)) wake();
  });
  const send = (packet: Packet) =>
    socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((wake) => waiters.push(wake));
  };
  const answers: Partial<Record<Packet['cmd'], Packet['cmd']>> = {
    connect: 'connack',
    subscribe: 'suback',
    pingreq: 'pingresp',
    pubrec: 'pubrel',
  };
  const request = async (packet: Packet) => {
    const answer = answers[packet.cmd];
    const before = received.filter(({ cmd }) => cmd === answer).length;
    send(packet);
    await until(() => received.filter(({ cmd }) => cmd === answer).length > before);
  };
  await request({
    cmd: 'connect',
    protocolVersion: 5,
    clientId: clientId('raw'),
    clean: true,
    keepalive: 60,
    properties,
  });
  return {
    send,
    request,
    until,
    publishes: () => received.filter((packet) => packet.cmd === 'publish'),
  };
}

describe.each([4, 5] as const)('embedded broker, MQTT %s', (protocolVersion) => {
  it('delivers QoS 0, 1 and 2 publishes to a QoS 2 subscription, each at its QoS', async () => {
    const t = topic('qos');
    const subscriber = await connect({ protocolVersion });
    const received = inbox(subscriber);
    await subscriber.subscribeAsync(t, { qos: 2 });
    const publisher = await connect({ protocolVersion });
    for (const qos of [0, 1, 2] as const) await publisher.publishAsync(t, `qos ${qos}`, { qos });
    const messages = await received.take(3);
    expect(payloads(messages).sort()).toEqual(['qos 0', 'qos 1', 'qos 2']);
    expect(messages.map((m) => [m.payload, m.packet.qos]).sort()).toEqual([
      ['qos 0', 0],
      ['qos 1', 1],
      ['qos 2', 2],
    ]);
  });

  it('keeps the last retained message of a topic for later subscribers until cleared', async () => {
    const t = topic('retained');
    const publisher = await connect({ protocolVersion });
    await publisher.publishAsync(t, 'first', { qos: 1, retain: true });
    await publisher.publishAsync(t, 'last', { qos: 1, retain: true });
    const late = await connect({ protocolVersion });
    const received = inbox(late);
    await late.subscribeAsync(t, { qos: 1 });
    const [retained] = await received.take(1);
    expect(retained?.payload).toBe('last');
    expect(retained?.packet.retain).toBe(true);

    await publisher.publishAsync(t, '', { qos: 1, retain: true });
    const later = await connect({ protocolVersion });
    const afterClear = inbox(later);
    await later.subscribeAsync(t, { qos: 1 });
    await publisher.publishAsync(t, 'live', { qos: 1 });
    expect(payloads(await afterClear.take(1))).toEqual(['live']);
  });

  it('queues QoS 1 and 2 messages for a persistent session while its client is away', async () => {
    const t = topic('offline');
    const id = clientId('offline');
    const session = persistentSession(protocolVersion, id);
    const first = await connect(session);
    await first.subscribeAsync(t, { qos: 2 });
    await first.endAsync();

    const publisher = await connect({ protocolVersion });
    await publisher.publishAsync(t, 'qos 1', { qos: 1 });
    await publisher.publishAsync(t, 'qos 2', { qos: 2 });

    const back = await connect(session);
    const received = inbox(back);
    expect(payloads(await received.take(2))).toEqual(['qos 1', 'qos 2']);
  });

  it('publishes the will of a client whose connection breaks', async () => {
    const t = topic('will');
    const watcher = await connect({ protocolVersion });
    const received = inbox(watcher);
    await watcher.subscribeAsync(t, { qos: 1 });
    const dying = await connect({
      protocolVersion,
      will: {
        topic: t,
        payload: Buffer.from('gone'),
        qos: 1,
        retain: false,
        ...(protocolVersion === 5 ? { properties: { userProperties: { why: 'crash' } } } : {}),
      },
    });
    crash(dying);
    const [will] = await received.take(1);
    expect(will?.payload).toBe('gone');
    if (protocolVersion === 5)
      expect(will?.packet.properties?.userProperties).toEqual({ why: 'crash' });
  });
});

describe('embedded broker, MQTT 5 only', () => {
  const v5 = { protocolVersion: 5 } as const;

  it('resumes a session for a connection that asks for no expiry of its own', async () => {
    const t = topic('resume');
    const id = clientId('resume');
    const first = await connect({
      ...v5,
      clientId: id,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
    });
    await first.subscribeAsync(t, { qos: 1 });
    await first.endAsync();
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'waiting', { qos: 1 });
    const back = await connect({ ...v5, clientId: id, clean: false });
    expect(payloads(await inbox(back).take(1))).toEqual(['waiting']);
  });

  it('publishes a delayed will once the delay has passed, without the delay property', async () => {
    const t = topic('will-delay');
    const watcher = await connect(v5);
    const received = inbox(watcher);
    await watcher.subscribeAsync(t, { qos: 1 });
    const dying = await connect({
      ...v5,
      properties: { sessionExpiryInterval: 10 },
      will: {
        topic: t,
        payload: Buffer.from('late'),
        qos: 1,
        retain: false,
        properties: { willDelayInterval: 1 },
      },
    });
    crash(dying);
    const [will] = await received.take(1);
    expect(will?.payload).toBe('late');
  });

  it('drops a queued message whose expiry passed and counts down the others', async () => {
    const t = topic('expiry');
    const id = clientId('expiry');
    const session = {
      ...v5,
      clientId: id,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
    };
    const first = await connect(session);
    await first.subscribeAsync(t, { qos: 1 });
    await first.endAsync();
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'short', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await publisher.publishAsync(t, 'long', { qos: 1, properties: { messageExpiryInterval: 60 } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const back = await connect(session);
    const received = inbox(back);
    const publisherMarker = publisher.publishAsync(t, 'marker', { qos: 1 });
    const messages = await received.take(2);
    await publisherMarker;
    expect(payloads(messages)).toEqual(['long', 'marker']);
    expect(messages[0]?.packet.properties?.messageExpiryInterval).toBeLessThan(60);
  });

  it('no-local keeps a client from receiving its own messages', async () => {
    const t = topic('no-local');
    const a = await connect(v5);
    const own = inbox(a);
    await a.subscribeAsync(t, { qos: 1, nl: true });
    await a.subscribeAsync(`${t}/marker`, { qos: 1 });
    const b = await connect(v5);
    const other = inbox(b);
    await b.subscribeAsync(t, { qos: 1, nl: true });
    await a.publishAsync(t, 'mine', { qos: 1 });
    await a.publishAsync(`${t}/marker`, 'marker', { qos: 1 });
    expect(payloads(await other.take(1))).toEqual(['mine']);
    expect(payloads(await own.take(1))).toEqual(['marker']);
  });

  it('retain-as-published keeps the retain flag of live messages', async () => {
    const t = topic('rap');
    const keeps = await connect(v5);
    const kept = inbox(keeps);
    await keeps.subscribeAsync(t, { qos: 1, rap: true });
    const clears = await connect(v5);
    const cleared = inbox(clears);
    await clears.subscribeAsync(t, { qos: 1 });
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'plain', { qos: 1 });
    await publisher.publishAsync(t, 'retained', { qos: 1, retain: true });
    expect((await kept.take(2)).map((m) => m.packet.retain)).toEqual([false, true]);
    expect((await cleared.take(2)).map((m) => m.packet.retain)).toEqual([false, false]);
    await publisher.publishAsync(t, '', { qos: 1, retain: true });
  });

  it('retain handling 0 sends retained messages on every subscribe, 1 on a new one, 2 never', async () => {
    const t = topic('rh');
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'kept', { qos: 1, retain: true });
    const retainedOn = async (rh: 0 | 1 | 2) => {
      const client = await connect(v5);
      const received = inbox(client);
      await client.subscribeAsync(t, { qos: 1, rh });
      await client.subscribeAsync(t, { qos: 1, rh });
      await publisher.publishAsync(t, 'live', { qos: 1 });
      const messages = await received.take(rh === 0 ? 3 : rh === 1 ? 2 : 1);
      return messages.map((m) => `${m.payload}${m.packet.retain ? ' (retained)' : ''}`);
    };
    expect(await retainedOn(0)).toEqual(['kept (retained)', 'kept (retained)', 'live']);
    expect(await retainedOn(1)).toEqual(['kept (retained)', 'live']);
    expect(await retainedOn(2)).toEqual(['live']);
    await publisher.publishAsync(t, '', { qos: 1, retain: true });
  });

  it('echoes the subscription identifier on matching messages', async () => {
    const t = topic('sub-id');
    const subscriber = await connect(v5);
    const received = inbox(subscriber);
    await subscriber.subscribeAsync(t, { qos: 1, properties: { subscriptionIdentifier: 456789 } });
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'tagged', { qos: 1 });
    const [message] = await received.take(1);
    expect(message?.packet.properties?.subscriptionIdentifier).toBe(456789);
  });

  it('resolves the topic aliases a client sets up', async () => {
    const t = topic('alias');
    const client = await connect(v5);
    const received = inbox(client);
    await client.subscribeAsync(t, { qos: 1 });
    await client.publishAsync(t, 'sets alias', { qos: 1, properties: { topicAlias: 1 } });
    await client.publishAsync('', 'uses alias', { qos: 1, properties: { topicAlias: 1 } });
    const messages = await received.take(2);
    expect(messages.map((m) => [m.topic, m.payload])).toEqual([
      [t, 'sets alias'],
      [t, 'uses alias'],
    ]);
    expect(messages.every((m) => m.packet.properties?.topicAlias === undefined)).toBe(true);
  });

  it('advertises its topic alias maximum and never sets up aliases towards a client', async () => {
    const t = topic('server-alias');
    const client = await connect({ ...v5, properties: { topicAliasMaximum: 5 } });
    const received = inbox(client);
    await client.subscribeAsync(t, { qos: 1 });
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'one', { qos: 1 });
    await publisher.publishAsync(t, 'two', { qos: 1 });
    const messages = await received.take(2);
    expect(messages.map((m) => [m.topic, m.packet.properties?.topicAlias])).toEqual([
      [t, undefined],
      [t, undefined],
    ]);
    const connack = await new Promise<number | undefined>((resolve) => {
      const probe = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, {
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      probe.once('connect', (packet) => {
        resolve(packet.properties?.topicAliasMaximum);
        probe.end(true);
      });
    });
    expect(connack).toBe(EMBEDDED_TOPIC_ALIAS_MAXIMUM);
  });

  it('does not send a message larger than the maximum packet size of the client', async () => {
    const t = topic('max-size');
    const small = await connect({ ...v5, properties: { maximumPacketSize: 128 } });
    const received = inbox(small);
    await small.subscribeAsync(t, { qos: 1 });
    const publisher = await connect(v5);
    await publisher.publishAsync(t, 'x'.repeat(200), { qos: 1 });
    await publisher.publishAsync(t, 'fits', { qos: 1 });
    expect(payloads(await received.take(1))).toEqual(['fits']);
    expect(refusals.some((line) => line.includes('maximum packet size'))).toBe(true);
  });

  it('keeps no more QoS 1 and 2 messages unacknowledged than the Receive Maximum of the client', async () => {
    const t = topic('receive-maximum');
    // A raw connection: MQTT.js itself reads nothing more while a message is unacknowledged,
    // which would hide what the broker sends.
    const client = await rawConnection({ receiveMaximum: 2 });
    await client.request({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: t, qos: 2 }] });
    const publisher = await connect(v5);
    const levels = [1, 2, 1, 2, 1] as const;
    for (const [index, qos] of levels.entries())
      await publisher.publishAsync(t, `m${index}`, { qos });

    await client.request({ cmd: 'pingreq' });
    expect(client.publishes().map(({ payload }) => String(payload))).toEqual(['m0', 'm1']);

    for (let next = 0; next < levels.length; next++) {
      const held = client.publishes()[next] as IPublishPacket;
      if (held.qos === 1) client.send({ cmd: 'puback', messageId: held.messageId });
      else {
        await client.request({ cmd: 'pubrec', messageId: held.messageId });
        client.send({ cmd: 'pubcomp', messageId: held.messageId });
      }
      await client.until(() => client.publishes().length >= Math.min(next + 3, levels.length));
      await client.request({ cmd: 'pingreq' });
      expect(client.publishes()).toHaveLength(Math.min(next + 3, levels.length));
    }
    expect(client.publishes().map(({ payload }) => String(payload))).toEqual(
      levels.map((_, index) => `m${index}`),
    );
  });

  it('refuses shared subscriptions with 0x9E and says so in the CONNACK and the log', async () => {
    let sharedAvailable: boolean | undefined;
    const client = await connect(v5);
    await expect(
      client.subscribeAsync(`$share/group/${topic('shared')}`, { qos: 1 }),
    ).rejects.toMatchObject({ packet: { granted: [0x9e] } });
    await new Promise<void>((resolve) => {
      const probe = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, {
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      probe.once('connect', (packet) => {
        sharedAvailable = packet.properties?.sharedSubscriptionAvailable;
        probe.end(true);
        resolve();
      });
    });
    expect(sharedAvailable).toBe(false);
    expect(
      refusals.some((line) => line.startsWith('refused shared subscription $share/group/')),
    ).toBe(true);
  });
});

describe('embedded broker, MQTT 3.1.1 only', () => {
  it('refuses a shared subscription with 0x80', async () => {
    const client = await connect({ protocolVersion: 4 });
    await expect(
      client.subscribeAsync(`$share/group/${topic('shared')}`, { qos: 1 }),
    ).rejects.toMatchObject({ packet: { granted: [0x80] } });
  });
});

describe('embedded broker with --persist', () => {
  it.each([4, 5] as const)(
    'MQTT %s: a persistent session and retained messages outlive a restart',
    async (protocolVersion) => {
      const dir = mkdtempSync(join(tmpdir(), 'sinetstream-broker-'));
      const t = topic('persist');
      const id = clientId('persist');
      const session = persistentSession(protocolVersion, id);

      const before = await startEmbeddedBroker({ port: 0, persistDir: dir });
      const reader = await connect(session, before.port);
      await reader.subscribeAsync(t, { qos: 1 });
      await reader.endAsync();
      const writer = await connect({ protocolVersion }, before.port);
      await writer.publishAsync(`${t}/retained`, 'kept', { qos: 1, retain: true });
      await writer.publishAsync(t, 'queued 1', { qos: 1 });
      await writer.publishAsync(t, 'queued 2', { qos: 2 });
      await writer.endAsync();
      await before.close();

      const after = await startEmbeddedBroker({ port: 0, persistDir: dir });
      onTestFinished(() => after.close());
      const back = await connect(session, after.port);
      const queued = inbox(back);
      expect(payloads(await queued.take(2))).toEqual(['queued 1', 'queued 2']);
      const newcomer = await connect({ protocolVersion }, after.port);
      const retained = inbox(newcomer);
      await newcomer.subscribeAsync(`${t}/retained`, { qos: 1 });
      expect(payloads(await retained.take(1))).toEqual(['kept']);
      await back.publishAsync(t, 'live', { qos: 1 });
      expect(payloads(await queued.take(3))).toEqual(['queued 1', 'queued 2', 'live']);
    },
  );
});
