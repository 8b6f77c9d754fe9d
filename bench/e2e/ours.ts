/**
 * Ours: what a user writes. MessageWriter (sequential) and AsyncMessageWriter (windowed) on
 * one topic, a MessageReader iterating it and handing each value to the inbox.
 *
 * The library as a user runs it: the build in dist/ (`npm run build`; the bench scripts run
 * it first), not src/ through tsx, whose transform wraps every function made at run time in a
 * naming helper, a cost per message the raw clients, plain JavaScript, do not pay.
 */
import type * as Library from '../../src/index.js';
import type { Inbox } from './measure.js';
import type { Endpoint } from './raw.js';
import { type Consistency, serviceOf, type Target } from './targets.js';

export async function ours(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const { AsyncMessageWriter, MessageReader, MessageWriter } = await library();
  const config = { header: { version: 3 }, config: { bench: serviceOf(target, consistency) } };
  const options = { service: 'bench', config };
  // Opened first: every message published after open reaches it.
  const reader = await new MessageReader({ ...options, topics: topic }).open();
  const reading = (async () => {
    for await (const message of reader) inbox.take(message.value);
  })();
  const sequential = await new MessageWriter({ ...options, topic }).open();
  const windowed = await new AsyncMessageWriter({ ...options, topic }).open();
  return {
    sequential: (payload) => sequential.publish(payload),
    windowed: (payload) => windowed.publish(payload),
    close: async () => {
      await sequential.close();
      await windowed.close();
      await reader.close();
      await reading;
    },
  };
}

let loaded: Promise<typeof Library> | undefined;

function library(): Promise<typeof Library> {
  const built = new URL('../../dist/index.js', import.meta.url).href;
  loaded ??= import(built).catch((error: unknown) => {
    throw new Error('bench: no build of the library in dist/; run `npm run build` first', {
      cause: error,
    });
  });
  return loaded;
}
