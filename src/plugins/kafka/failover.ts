import { type Base, type Consumer, kGetConnection, NetworkError } from '@platformatic/kafka';

type AnyConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type GetConnection = Base[typeof kGetConnection];

/**
 * Turns a crash into an error a retry can handle. @platformatic/kafka 1.x looks brokers up in
 * its metadata by node id and connects without checking the result: once a dead broker is
 * fenced it leaves the metadata, and a consumer still heartbeating or committing to it as
 * its group coordinator (1.x never looks the coordinator up again; 2.1 does, but needs
 * Node 22) threw `TypeError: Cannot read properties of undefined (reading 'host')` from a
 * socket callback, an uncaught exception that ended the process. So is a producer's send
 * to a partition without a leader.
 */
export function guardMissingBroker(client: Base): void {
  const get: GetConnection = client[kGetConnection].bind(client);
  const guarded: GetConnection = (broker, callback) => {
    if (broker === undefined) {
      callback(new NetworkError('the broker is no longer in the cluster metadata'), undefined);
      return;
    }
    get(broker, callback);
  };
  client[kGetConnection] = guarded;
}

/**
 * Closes a consumer without waiting for fetches in flight. `close()` first leaves the group,
 * and when the group coordinator is gone that fails and leaves the client open (sockets and
 * all); then it is closed again as if it had never joined, which skips the LeaveGroup (the
 * group drops the member when its session times out).
 */
export async function closeConsumer(consumer: AnyConsumer): Promise<void> {
  const close = () =>
    new Promise<void>((resolve, reject) =>
      // The client's `close(true)` has only a callback form in its types.
      consumer.close(true, (error) => (error ? reject(error) : resolve())),
    );
  try {
    await close();
  } catch {
    consumer.memberId = null;
    await close();
  }
}
