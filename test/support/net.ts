/** Loopback ports for tests that start servers of their own or need one nobody serves. */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';

/** Whether something accepts TCP connections on `host:port`. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** A loopback port that was free a moment ago: for a server to start on, or to be refused by. */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
