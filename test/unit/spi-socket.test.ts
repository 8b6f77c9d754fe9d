import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { tuneSocket } from '../../src/spi/socket.js';

describe('plugin sockets', () => {
  it('hold the writes of one tick and send them together when it ends, in order', async () => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const accepted = once(server, 'connection') as Promise<[net.Socket]>;
    const socket = tuneSocket(net.connect(port, '127.0.0.1'));
    await once(socket, 'connect');
    const [peer] = await accepted;
    const chunks: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
    try {
      socket.write('frame 1;');
      socket.write('frame 2;');
      expect(socket.writableCorked).toBe(1);
      expect(socket.writableLength).toBe(16);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(socket.writableCorked).toBe(0);
      socket.write('frame 3;');
      // A frame as large as the high-water mark goes at once, after what was held before it.
      const large = 'x'.repeat(socket.writableHighWaterMark);
      socket.write(large);
      expect(socket.writableCorked).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(Buffer.concat(chunks).toString()).toBe(`frame 1;frame 2;frame 3;${large}`);
    } finally {
      socket.destroy();
      peer.destroy();
      server.close();
    }
  });
});
