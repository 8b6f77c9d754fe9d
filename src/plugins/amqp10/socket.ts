import type { Socket } from 'node:net';

/**
 * How our sockets to an AMQP 1.0 broker send.
 *
 * No Nagle: rhea turns it off only on a connection that opens a receiver, and only on its
 * first socket, so a writer's small transfers (and every socket after a reconnect) would wait
 * for the broker's delayed ACK before going out.
 *
 * One write per turn of the event loop: rhea writes each frame on its own (a transfer, a
 * disposition, a flow), a system call each; corked until the end of the current tick, the
 * frames rhea produces in one pass go out together.
 */
export function tuneSocket<S extends Socket>(socket: S): S {
  socket.setNoDelay(true);
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: S, ...args: Parameters<S['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as S['write'];
  return socket;
}
