import type { Channel, Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { ChannelAcks } from '../../src/plugins/amqp091/acks.js';

/** A channel that records the basic.ack frames it is asked to send. */
function recordingChannel(): { channel: Channel; acks: [number, boolean][] } {
  const acks: [number, boolean][] = [];
  const channel = {
    ack: (message: Message, multiple?: boolean) =>
      acks.push([message.fields.deliveryTag, multiple ?? false]),
  } as unknown as Channel;
  return { channel, acks };
}

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as unknown as Message;

/** The delivery tags a broker counts as acknowledged after `acks`. */
function acknowledged(acks: readonly [number, boolean][], delivered: number): Set<number> {
  const done = new Set<number>();
  for (const [tag, multiple] of acks) {
    if (done.has(tag)) throw new Error(`delivery ${tag} acknowledged twice`);
    if (multiple) for (let t = 1; t <= tag; t++) done.add(t);
    else done.add(tag);
  }
  for (const tag of done) if (tag > delivered) throw new Error(`unknown delivery ${tag}`);
  return done;
}

describe('amqp-0.9.1 acknowledgements', () => {
  it('what is settled in one go leaves in one basic.ack with multiple', async () => {
    const { channel, acks } = recordingChannel();
    const channelAcks = new ChannelAcks(channel, (error) => {
      throw error;
    });
    const messages = [1, 2, 3, 4, 5].map(delivery);
    for (const message of messages) channelAcks.delivered(message);
    for (const message of messages) channelAcks.settle(message);
    expect(acks).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(acks).toEqual([[5, true]]);
  });

  it('never acknowledges a delivery the user still holds', () => {
    const { channel, acks } = recordingChannel();
    const channelAcks = new ChannelAcks(channel, (error) => {
      throw error;
    });
    const messages = [1, 2, 3, 4, 5, 6].map(delivery);
    for (const message of messages) channelAcks.delivered(message);
    // The user holds 2 while 1, 3 and 4 are done.
    for (const tag of [1, 3, 4]) channelAcks.settle(messages[tag - 1]!);
    channelAcks.flush();
    expect([...acknowledged(acks, 6)].sort()).toEqual([1, 3, 4]);
    // 2 and 5 done later: each once, 6 still held.
    for (const tag of [5, 2]) channelAcks.settle(messages[tag - 1]!);
    channelAcks.flush();
    expect([...acknowledged(acks, 6)].sort()).toEqual([1, 2, 3, 4, 5]);
    channelAcks.settle(messages[5]!);
    channelAcks.flush();
    expect([...acknowledged(acks, 6)].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a channel that is closing refuses quietly; another refusal is reported', () => {
    const refusing = (error: Error) =>
      ({
        ack: () => {
          throw error;
        },
      }) as unknown as Channel;
    const closing = Object.assign(new Error('Channel closing'), { name: 'IllegalOperationError' });
    const reported: unknown[] = [];
    for (const error of [closing, new TypeError('broken')]) {
      const channelAcks = new ChannelAcks(refusing(error), (e) => reported.push(e));
      const message = delivery(1);
      channelAcks.delivered(message);
      channelAcks.settle(message);
      channelAcks.flush();
    }
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(TypeError);
  });
});
