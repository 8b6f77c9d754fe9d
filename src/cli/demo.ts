import type { Command } from 'commander';
import { MessageReader } from '../api/message-reader.js';
import { MessageWriter } from '../api/message-writer.js';
import { startEmbeddedBroker } from '../plugins/mqtt/embedded-broker.js';

const COUNT = 5;

/** A writer and a reader exchanging messages through an embedded MQTT broker. */
async function demo(): Promise<void> {
  const broker = await startEmbeddedBroker({ port: 0 });
  process.stdout.write(
    `broker: MQTT listening on ${broker.host}:${broker.port} (inside this process)\n`,
  );
  // What a .sinetstream_config.yml would say; a program names the service only.
  const config = {
    header: { version: 3 },
    config: {
      'service-demo': {
        type: 'mqtt',
        brokers: `${broker.host}:${broker.port}`,
        topic: 'topic-demo',
        value_type: 'text',
        consistency: 'AT_LEAST_ONCE',
      },
    },
  };
  try {
    const options = { service: 'service-demo', config };
    await using reader = await new MessageReader<string>({
      ...options,
      receiveTimeoutMs: 2000,
    }).open();
    {
      await using writer = await new MessageWriter<string>(options).open();
      for (let i = 1; i <= COUNT; i++) {
        await writer.publish(`hello ${i}`);
        process.stdout.write(`writer: sent "hello ${i}" to ${writer.topic}\n`);
      }
    }
    let received = 0;
    for await (const message of reader) {
      const time = new Date(message.timestamp * 1000).toISOString();
      process.stdout.write(
        `reader: got "${message.value}" on ${message.topic}, written at ${time}\n`,
      );
      if (++received === COUNT) break;
    }
    if (received !== COUNT) throw new Error(`the reader got ${received} of ${COUNT} messages`);
    process.stdout.write(`demo: OK, ${COUNT} messages through the broker\n`);
  } finally {
    await broker.close();
  }
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('start an embedded MQTT broker, write five messages and read them back')
    .action(demo);
}
