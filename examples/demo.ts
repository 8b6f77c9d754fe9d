/**
 * The newcomer's first run: an MQTT broker inside this process, a reader and a writer
 * exchanging five text messages through it. Nothing to install but npm packages.
 *
 *   npm run demo
 */
import { MessageReader, MessageWriter } from '../src/index.js';
import { startEmbeddedBroker } from '../src/plugins/mqtt/embedded-broker.js';

const broker = await startEmbeddedBroker({ port: 0 });
console.log(`embedded MQTT broker listening on ${broker.host}:${broker.port}`);

// The same shape as a .sinetstream_config.yml; a real program would name the service only.
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
  await using reader = await new MessageReader<string>({
    service: 'service-demo',
    config,
    receiveTimeoutMs: 2000,
  }).open();
  {
    await using writer = await new MessageWriter<string>({ service: 'service-demo', config }).open();
    for (let i = 1; i <= 5; i++) await writer.publish(`hello ${i}`);
    console.log(`writer: sent 5 messages to ${writer.topic}`);
  }
  let received = 0;
  for await (const message of reader) {
    const time = new Date(message.timestamp * 1000).toISOString();
    console.log(`reader: ${message.topic} ${time} ${message.value}`);
    if (++received === 5) break;
  }
  if (received !== 5) throw new Error(`expected 5 messages, got ${received}`);
  console.log('demo: OK');
} finally {
  await broker.close();
}
