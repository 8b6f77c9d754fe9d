/**
 * type: memory as a broker: readers read each topic's log through cursors, so a reader that
 * falls behind costs no memory past the log, and a group's readers share one cursor.
 */
import { describe, expect, it } from 'vitest';
import { MessageReader, MessageWriter } from '../../src/index.js';

let brokers = 0;

function service(extra: Record<string, unknown> = {}) {
  brokers++;
  const s = { type: 'memory', brokers: `memory-broker-${brokers}`, value_type: 'text', ...extra };
  return { service: 's', config: { header: { version: 3 }, config: { s } } };
}

async function publish(options: ReturnType<typeof service>, topic: string, values: string[]) {
  await using writer = await new MessageWriter<string>({ ...options, topic }).open();
  for (const value of values) await writer.publish(value);
}

async function take(reader: MessageReader<string>, count: number): Promise<string[]> {
  const values: string[] = [];
  for await (const message of reader) {
    values.push(message.value);
    if (values.length === count) break;
  }
  return values;
}

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('type: memory', () => {
  it('a reader that falls behind `retain` reads the newest messages and says how many are gone', async () => {
    const options = service({ type_spec: { retain: 5 } });
    const warnings: string[] = [];
    const logger = { warn: (text: string) => warnings.push(text) };
    await using reader = await new MessageReader<string>({
      ...options,
      topics: 't',
      receiveTimeoutMs: 50,
      logger,
    }).open();
    await publish(options, 't', numbered('m', 12));
    expect(await take(reader, 5)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    expect(warnings).toEqual([
      expect.stringMatching(/"t" fell behind the 5 .*retain.*: 7 are gone/),
    ]);
  });

  it('a reader of several topics takes from each in turn', async () => {
    const options = service();
    await using reader = await new MessageReader<string>({
      ...options,
      topics: ['a', 'b'],
      receiveTimeoutMs: 50,
    }).open();
    await publish(options, 'a', numbered('a', 3));
    await publish(options, 'b', numbered('b', 3));
    expect(await take(reader, 6)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('a group reads on where its last reader stopped, and seekToBeginning replays the log', async () => {
    const options = service({ type_spec: { group_id: 'g' } });
    const first = await new MessageReader<string>({ ...options, topics: 't' }).open();
    await publish(options, 't', numbered('m', 4));
    expect(await take(first, 2)).toEqual(['m0', 'm1']);
    await first.close();
    await using next = await new MessageReader<string>({
      ...options,
      topics: 't',
      receiveTimeoutMs: 50,
    }).open();
    expect(await take(next, 2)).toEqual(['m2', 'm3']);
    await next.seekToBeginning();
    expect(await take(next, 4)).toEqual(numbered('m', 4));
  });
});
