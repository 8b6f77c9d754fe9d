import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MessageReader, MessageWriter } from '../../src/index.js';

// Port 9 (discard) is never reached: topics are checked before connecting.
const service = (type: string) => ({ noConfig: true, type, brokers: '127.0.0.1:9' });

async function refusal(open: Promise<unknown>): Promise<string> {
  const error = await open.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(InvalidArgumentError);
  return (error as Error).message;
}

const writerOpen = (type: string, topic: string) =>
  new MessageWriter({ ...service(type), topic }).open();
const readerOpen = (type: string, topics: string) =>
  new MessageReader({ ...service(type), topics }).open();

describe('topics a broker would refuse fail at open(), naming the topic', () => {
  it.each([
    ['sensors/+/temp', /"sensors\/\+\/temp".*wildcards for readers only/],
    ['sensors/#', /"sensors\/#".*wildcards for readers only/],
    ['a\0b', /"a\\u0000b".*NUL/],
    ['x'.repeat(70_000), /at most 65535 bytes/],
  ])('MQTT writer topic %#', async (topic, reason) => {
    expect(await refusal(writerOpen('mqtt', topic))).toMatch(reason);
  });

  it.each([
    ['sensors/#/temp', /# must be a whole level and the last one/],
    ['sensors/te#', /# must be a whole level/],
    ['sensors/te+mp', /\+ must be a whole level/],
  ])('MQTT reader topic filter %s', async (topic, reason) => {
    expect(await refusal(readerOpen('mqtt', topic))).toMatch(reason);
  });

  it.each([
    ['sensors/temp', /only ASCII letters, digits/],
    ['..', /"\."\s+and\s+"\.\."/],
    ['t'.repeat(250), /at most 249 characters/],
  ])('Kafka topic %#', async (topic, reason) => {
    expect(await refusal(writerOpen('kafka', topic))).toMatch(reason);
    expect(await refusal(readerOpen('kafka', topic))).toMatch(reason);
  });

  it('AMQP 0.9.1 routing keys longer than 255 bytes', async () => {
    expect(await refusal(writerOpen('amqp-0.9.1', 'é'.repeat(128)))).toMatch(/at most 255 bytes/);
  });

  it('an empty topic, on every broker type', () => {
    for (const type of ['memory', 'mqtt', 'kafka', 'amqp-0.9.1', 'amqp-1.0', 's3']) {
      for (const topic of ['', ' ', ',']) {
        expect(() => new MessageWriter({ ...service(type), topic })).toThrow(/no topic given/);
      }
    }
  });
});
