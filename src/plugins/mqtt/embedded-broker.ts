import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

/** Where the embedded broker listens. */
export interface EmbeddedBrokerOptions {
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** MQTT over TCP port (default 1883; 0 picks a free one). */
  port?: number;
  /** MQTT over WebSocket port; no WebSocket listener when absent (0 picks a free one). */
  wsPort?: number;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  readonly wsPort: number | undefined;
  /** Stops listening and disconnects every client. */
  close(): Promise<void>;
}

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

/**
 * An MQTT 3.1 / 3.1.1 / 5 broker inside this process (aedes, memory only), so a writer and a
 * reader can be tried with nothing but npm. Anonymous, no TLS: meant for loopback use.
 */
export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions = {},
): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  // SINETStream's generated client ids are longer than aedes' default limit of 23.
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 256 });
  const tcp = createServer((socket) => aedes.handle(socket));
  const http = options.wsPort === undefined ? undefined : createHttpServer();
  const wss = http ? new WebSocketServer({ server: http }) : undefined;
  wss?.on('connection', (socket, request) => aedes.handle(createWebSocketStream(socket), request));
  const stop = async () => {
    // Clients first, so their sockets do not hold the servers open.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    wss?.close();
    await Promise.all([closeServer(tcp), http ? closeServer(http) : undefined]);
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
