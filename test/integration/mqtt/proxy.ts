import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface TestProxy {
  readonly port: number;
  /** How many connections went through to the broker. */
  readonly forwarded: number;
  /** performance.now() of each connection turned away while refusing. */
  readonly refused: readonly number[];
  /** Cuts every connection without a DISCONNECT, as a network failure would. */
  drop(): void;
  /** Turns new connections away once the client speaks: a port with no broker behind it. */
  refuse(): void;
  /** Forwards new connections again. */
  accept(): void;
  close(): Promise<void>;
}

/**
 * A loopback proxy to a broker port: lets a test break a client's connection, play a dead
 * broker, or (with `tls`) present a certificate that does not name the host.
 */
export async function startProxy(
  target: number,
  tls?: { cert: string; key: string },
): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const refused: number[] = [];
  let forwarded = 0;
  let refusing = false;
  const relay = (client: Socket) => {
    if (refusing) {
      refused.push(performance.now());
      client.on('error', () => undefined);
      client.once('data', () => client.resetAndDestroy());
      return;
    }
    forwarded++;
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  const server: Server = tls
    ? createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, relay)
    : createServer(relay);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    get forwarded() {
      return forwarded;
    },
    refused,
    drop: () => {
      for (const socket of sockets) socket.destroy();
    },
    refuse: () => {
      refusing = true;
    },
    accept: () => {
      refusing = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
