import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import {
  Aedes,
  type AedesPublishPacket,
  type Client,
  type ConnectPacket,
  type PublishPacket,
  type Subscription,
} from 'aedes';
import persistenceOnLevel from 'aedes-persistence-level';
import { Level } from 'level';
import mqttPacket from 'mqtt-packet';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { ReceiveMaximumStream } from './receive-maximum.js';

/** Where the embedded broker listens. */
export interface EmbeddedBrokerOptions {
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** MQTT over TCP port (default 1883; 0 picks a free one). */
  port?: number;
  /** MQTT over WebSocket port; no WebSocket listener when absent (0 picks a free one). */
  wsPort?: number;
  /**
   * Directory where sessions, queued messages and retained messages are kept (LevelDB), so
   * they outlive a restart of the broker; memory only when absent.
   */
  persistDir?: string;
  /** Receives one line for each request the broker refuses (default: none). */
  log?: (line: string) => void;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  readonly wsPort: number | undefined;
  /** Stops listening and disconnects every client. */
  close(): Promise<void>;
}

/** Topic aliases a client may set up towards the broker (MQTT 5 CONNACK Topic Alias Maximum). */
export const EMBEDDED_TOPIC_ALIAS_MAXIMUM = 10;

const SHARE_PREFIX = '$share/';
const SYS_PREFIX = '$SYS/';
/** MQTT 5 SUBACK reason code "Shared Subscriptions not supported". */
const SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9e;

async function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function wireSize(packet: PublishPacket, version: number): number {
  // The packet id is assigned after forwarding is decided; any id takes the same two bytes.
  const sized = packet.qos > 0 ? { ...packet, messageId: 1 } : packet;
  return mqttPacket.generate(sized, { protocolVersion: version }).length;
}

/**
 * An MQTT 3.1 / 3.1.1 / 5 broker inside this process (aedes), so a writer and a reader can be
 * tried with nothing but npm. Anonymous, no TLS: meant for loopback use. docs/mqtt.md lists
 * which MQTT 5 features it has and which it refuses.
 */
export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions = {},
): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const persistence =
    options.persistDir === undefined
      ? undefined
      : persistenceOnLevel(new Level(options.persistDir));
  const aedes = await Aedes.createBroker({
    // SINETStream's generated client ids are longer than aedes' default limit of 23.
    maxClientsIdLength: 256,
    topicAliasMaximum: EMBEDDED_TOPIC_ALIAS_MAXIMUM,
    ...(persistence ? { persistence } : {}),
    preConnect: (_client: Client, packet: ConnectPacket, done) => {
      // aedes drops the messages queued for a session resumed (Clean Start 0) by a connection
      // whose own Session Expiry Interval is 0. A one-second expiry keeps the session for this
      // connection and ends it a second after it closes.
      if (
        packet.protocolVersion === 5 &&
        !packet.clean &&
        !(packet.properties?.sessionExpiryInterval ?? 0)
      ) {
        packet.properties = { ...packet.properties, sessionExpiryInterval: 1 };
      }
      done(null, true);
    },
    authorizePublish: (_client, packet, done) => {
      if (packet.topic.startsWith(SYS_PREFIX)) {
        done(new Error(`${SYS_PREFIX} topics are reserved`));
        return;
      }
      // A will arrives here with its will properties; Will Delay Interval is not a PUBLISH
      // property, and a subscriber that finds it there rejects the whole message.
      if (packet.properties && 'willDelayInterval' in packet.properties) {
        const { willDelayInterval: _, ...properties } = packet.properties as Record<
          string,
          unknown
        >;
        packet.properties = properties;
      }
      done(null);
    },
    authorizeSubscribe: (client: Client, subscription: Subscription, done) => {
      if (subscription.topic.startsWith(SHARE_PREFIX)) {
        log(`refused shared subscription ${subscription.topic} of ${client.id}`);
        done(null, null);
        return;
      }
      done(null, subscription);
    },
    authorizeForward: (client: Client, packet: AedesPublishPacket) => {
      // MQTT-3.1.2-25: a message larger than the client's Maximum Packet Size is not sent.
      const limit = client.maximumPacketSize;
      if (limit !== undefined && wireSize(packet, client.version) > limit) {
        log(`dropped a message on ${packet.topic}: larger than ${client.id}'s maximum packet size`);
        return null;
      }
      return packet;
    },
  });
  aedes.on('subscribe', (subscriptions, client) => {
    for (const { topic, qos } of subscriptions) {
      if ((qos as number) === SHARED_SUBSCRIPTIONS_NOT_SUPPORTED) {
        log(`refused shared subscription ${topic} of ${client.id}`);
      }
    }
  });
  const tcp = createServer((socket) => aedes.handle(new ReceiveMaximumStream(socket)));
  const http = options.wsPort === undefined ? undefined : createHttpServer();
  const wss = http ? new WebSocketServer({ server: http }) : undefined;
  wss?.on('connection', (socket, request) =>
    aedes.handle(new ReceiveMaximumStream(createWebSocketStream(socket)), request),
  );
  const stop = async () => {
    // Clients first, so their sockets do not hold the servers open.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    wss?.close();
    await Promise.all([closeServer(tcp), http ? closeServer(http) : undefined]);
    // Releases the store's lock, so the next broker on this directory can open it.
    await persistence?.destroy();
  };
  try {
    const port = await listen(tcp, options.port ?? 1883, host);
    const wsPort = http ? await listen(http, options.wsPort ?? 0, host) : undefined;
    return { host, port, wsPort, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
