/** The tutorial's Reader: prints every text message of the service's topic. */
import { MessageReader } from 'sinetstream';
import { serviceFromArgs } from './args.js';

const service = serviceFromArgs();
await using reader = await new MessageReader<string>({ ...service, valueType: 'text' }).open();
process.once('SIGINT', () => void reader.close());
for await (const message of reader) {
  const time = new Date(message.timestamp * 1000).toISOString();
  console.log(`[${time}] topic=${message.topic} value='${message.value}'`);
}
