import { MessageReader, MessageWriter } from 'sinetstream';

// Usually this lives in .sinetstream_config.yml; `type: memory` needs no broker.
const config = {
  header: { version: 3 },
  config: { 'service-1': { type: 'memory', topic: 'topic-1', value_type: 'text' } },
};

await using reader = await new MessageReader<string>({
  service: 'service-1',
  config,
  receiveTimeoutMs: 500, // stop after 0.5 s without messages
}).open();

await using writer = await new MessageWriter<string>({ service: 'service-1', config }).open();
await writer.publish('hello, SINETStream');
await writer.publish('from TypeScript');

for await (const message of reader) {
  console.log(message.topic, message.timestamp, message.value);
}
