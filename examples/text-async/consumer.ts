/** The tutorial's Reader with the callback API. */
import { AsyncMessageReader } from 'sinetstream';
import { serviceFromArgs } from '../text/args.js';

const service = serviceFromArgs();
const reader = new AsyncMessageReader<string>({ ...service, valueType: 'text' });
reader.onMessage = (message) => {
  const time = new Date(message.timestamp * 1000).toISOString();
  console.log(`[${time}] topic=${message.topic} value='${message.value}'`);
};
reader.onFailure = (error) => console.error(`caught: ${error.message}`);
await reader.open();
process.once('SIGINT', () => void reader.close());
