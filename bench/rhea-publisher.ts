import { once } from 'node:events';
import type { Connection, Delivery, EventContext } from 'rhea';

/**
 * Raw rhea publishing as src/plugins/amqp10/writer.ts does it, for the benches: one sender
 * link to `address` with the `queue` capability; a publish waits for link credit, sends the
 * body with `to` and `creation_time`, and (unless `settled`: pre-settled, not durable)
 * resolves on `accepted`, rejects on another outcome.
 */
export async function rheaPublisher(
  connection: Connection,
  address: string,
  settled: boolean,
): Promise<(body: unknown) => Promise<void>> {
  const sender = connection.open_sender({
    target: { address, capabilities: ['queue'] },
    snd_settle_mode: settled ? 1 : 0,
    autosettle: true,
  });
  await once(sender, 'sendable');
  const outcomes = new Map<Delivery, { resolve(): void; reject(error: Error): void }>();
  const settle = (ctx: EventContext, error?: Error) => {
    const outcome = ctx.delivery && outcomes.get(ctx.delivery);
    if (!outcome || !ctx.delivery) return;
    outcomes.delete(ctx.delivery);
    if (error) outcome.reject(error);
    else outcome.resolve();
  };
  sender.on('accepted', (ctx: EventContext) => settle(ctx));
  for (const name of ['rejected', 'released', 'modified']) {
    sender.on(name, (ctx: EventContext) => settle(ctx, new Error(`${address}: ${name}`)));
  }
  let credit: Promise<void> | undefined; // one wait for credit shared by all publishers
  return async (body) => {
    while (!sender.sendable()) {
      credit ??= once(sender, 'sendable').then(() => {
        credit = undefined;
      });
      await credit;
    }
    const delivery = sender.send({
      to: address,
      body,
      durable: !settled,
      creation_time: new Date(),
    });
    if (settled) return;
    await new Promise<void>((resolve, reject) => outcomes.set(delivery, { resolve, reject }));
  };
}
