import { describe, expect, it } from 'vitest';
import {
  InvalidMessageError,
  MessageReader,
  MessageWriter,
  NotOpenError,
} from '../../src/index.js';

const service = (topic: string) => ({
  noConfig: true,
  type: 'memory',
  topics: topic,
  valueType: 'text' as const,
  receiveTimeoutMs: 300,
});

/** One message another client wrote (no envelope), then one from SINETStream. */
async function writeForeignThenValid(topic: string): Promise<void> {
  await using foreign = await new MessageWriter({
    noConfig: true,
    type: 'memory',
    topic,
    valueType: 'text',
    userDataOnly: true,
  }).open();
  await foreign.publish('{"not": "sinetstream"}');
  await using writer = await new MessageWriter({
    noConfig: true,
    type: 'memory',
    topic,
    valueType: 'text',
  }).open();
  await writer.publish('valid');
}

describe('a message that is not a SINETStream message', () => {
  it('ends the loop with an error naming the topic and the likely causes', async () => {
    await using reader = await new MessageReader(service('newcomer-throw')).open();
    await writeForeignThenValid('newcomer-throw');
    const error = await (async () => {
      for await (const _ of reader) return undefined;
    })().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(InvalidMessageError);
    const { message } = error as InvalidMessageError;
    expect(message).toContain('topic "newcomer-throw" is not a SINETStream message');
    expect(message).toContain('user_data_only');
    expect(message).toContain('message_format');
    expect(message).toContain("onInvalidMessage: 'skip'");
  });

  it("is skipped with onInvalidMessage: 'skip', warned about and counted", async () => {
    const warnings: string[] = [];
    await using reader = await new MessageReader({
      ...service('newcomer-skip'),
      onInvalidMessage: 'skip',
      logger: { warn: (text) => warnings.push(text) },
    }).open();
    await writeForeignThenValid('newcomer-skip');
    const values: string[] = [];
    for await (const message of reader) values.push(message.value);
    expect(values).toEqual(['valid']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/topic "newcomer-skip" is not a SINETStream message.*; skipped$/);
    expect(reader.metrics.errorCountTotal).toBe(1);
  });

  it('goes to an onInvalidMessage callback, and the loop goes on', async () => {
    const reported: InvalidMessageError[] = [];
    await using reader = await new MessageReader({
      ...service('newcomer-callback'),
      onInvalidMessage: (error) => reported.push(error),
    }).open();
    await writeForeignThenValid('newcomer-callback');
    const values: string[] = [];
    for await (const message of reader) values.push(message.value);
    expect(values).toEqual(['valid']);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain('newcomer-callback');
  });
});

describe('NotOpenError', () => {
  it('says to call open()', async () => {
    const writer = new MessageWriter({
      noConfig: true,
      type: 'memory',
      topic: 't',
      valueType: 'text',
    });
    await expect(writer.publish('too early')).rejects.toThrow(NotOpenError);
    await expect(writer.publish('too early')).rejects.toThrow(/call open\(\) first/);
  });

  it('says to create a new one once closed', async () => {
    const writer = await new MessageWriter({ noConfig: true, type: 'memory', topic: 't' }).open();
    await writer.close();
    await expect(writer.publish(new Uint8Array(1))).rejects.toThrow(/create and open a new one/);
  });
});
