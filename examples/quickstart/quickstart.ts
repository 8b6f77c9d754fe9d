import { MessageReader, MessageWriter } from 'sinetstream';

// The program names a service; .sinetstream_config.yml says which broker and topic it is.
const service = 'service-quickstart';

await using reader = await new MessageReader<string>({
  service,
  receiveTimeoutMs: 1000, // end the loop after 1 s without a message
}).open();
await using writer = await new MessageWriter<string>({ service }).open();

await writer.publish('hello, SINETStream');
await writer.publish('from TypeScript');

for await (const message of reader) {
  console.log(message.topic, message.value);
}
