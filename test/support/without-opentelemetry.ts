/** A round trip on the memory broker, run where `@opentelemetry/api` cannot be resolved. */
import { MessageReader, MessageWriter } from '../../src/index.js';

const blocked = await import('@opentelemetry/api' as string).then(
  () => false,
  () => true,
);
const options = { noConfig: true, type: 'memory', brokers: 'without-otel', valueType: 'text' };
await using reader = await new MessageReader<string>({
  ...options,
  topics: 't',
  receiveTimeoutMs: 2000,
}).open();
await using writer = await new MessageWriter<string>({ ...options, topic: 't' }).open();
await writer.publish('hello', { headers: { origin: 'sensor-1' } });
for await (const message of reader) {
  process.stdout.write(
    JSON.stringify({ blocked, value: message.value, headers: [...message.headers] }),
  );
  break;
}
