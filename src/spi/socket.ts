import type { Socket } from 'node:net';

/**
 * How a plugin's socket to a broker sends, for clients that write each frame on its own (a
 * message, an acknowledgement, a flow), a system call each.
 *
 * No Nagle: a small frame goes out at once instead of waiting for the broker's delayed ACK.
 *
 * One write per turn of the event loop: corked from its first write until the current tick
 * ends, the small frames the client produces in one pass go out together (one writev).
 */
export function tuneSocket<S extends Socket>(socket: S): S {
  socket.setNoDelay(true);
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: S, ...args: Parameters<S['write']>) {
    const chunk = args[0] as string | Uint8Array;
    // A large frame is a system call's worth by itself; held, it would make the socket report
    // itself full (past its high-water mark) and a client that heeds that wait for 'drain'.
    if (chunk.length >= socket.writableHighWaterMark) {
      uncork();
      return write.apply(this, args);
    }
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as S['write'];
  return socket;
}
