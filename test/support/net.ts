/** Loopback ports for tests that start servers of their own or need one nobody serves. */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';

/** Whether something accepts TCP connections on `host:port` within `timeoutMs`. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 3000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const end = (up: boolean) => {
      socket.destroy();
      done(up);
    };
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
    socket.once('timeout', () => end(false));
  });
}

/** The same for a `host:port` string. */
export function isListeningAt(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':') as [string, string];
  return isListening(Number(port), host);
}

/** A loopback port that was free a moment ago: for a server to start on, or to be refused by. */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
