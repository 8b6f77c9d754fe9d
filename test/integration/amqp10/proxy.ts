import net, { type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of a broker, so a test can cut its own
 * clients' connections without touching the broker other tests use. `cut()` resets every
 * socket; `refuse()` makes it accept new connections and reset each on its first bytes (a
 * dead broker behind a listening port), noting when each attempt came; `accept()` forwards
 * again. `inject(bytes)` sends bytes to every client as if the broker had sent them.
 */
export class CutProxy {
  /** performance.now() of every connection attempt while refusing. */
  readonly refused: number[] = [];
  /** How many connections were forwarded to the broker. */
  forwarded = 0;
  /** Open connections: the client's socket and the one to the broker. */
  readonly #pairs = new Set<[Socket, Socket]>();
  #refusing = false;

  private constructor(
    private readonly server: Server,
    readonly broker: string,
  ) {}

  static async start(host: string, port: number): Promise<CutProxy> {
    const server = net.createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const proxy = new CutProxy(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', (client) => proxy.#connection(client, host, port));
    return proxy;
  }

  #connection(client: Socket, host: string, port: number): void {
    if (this.#refusing) {
      // Like a load balancer whose broker is down: the TCP connection opens, and closes
      // once the client has said something.
      this.refused.push(performance.now());
      client.once('data', () => client.resetAndDestroy());
      client.on('error', () => undefined);
      return;
    }
    this.forwarded++;
    const upstream = net.connect({ host, port });
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    client.pipe(upstream).pipe(client);
    for (const socket of pair) {
      socket.on('error', () => undefined); // the other side's close is what matters
      socket.on('close', () => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
  }

  /** Drops every open connection, as a network failure would. */
  cut(): void {
    for (const [client, upstream] of this.#pairs) {
      client.resetAndDestroy(); // the client sees ECONNRESET
      upstream.destroy(); // the broker sees its client go
    }
    this.#pairs.clear();
  }

  inject(bytes: Uint8Array): void {
    for (const [client] of this.#pairs) client.write(bytes);
  }

  refuse(): void {
    this.#refusing = true;
  }

  accept(): void {
    this.#refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((done) => this.server.close(done));
  }
}
