import type { Socket } from 'node:net';

/**
 * How a plugin's socket to a broker sends, for clients that write each frame on its own (a
 * message, an acknowledgement, a flow), a system call each.
 *
 * No Nagle: a small frame goes out at once instead of waiting for the broker's delayed ACK.
 *
 * One write per turn of the event loop: corked from its first write until the current tick
 * ends, the frames the client produces in one pass go out together (one writev).
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
