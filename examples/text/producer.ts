/** The tutorial's Writer: sends each line typed as one text message. */
import { createInterface } from 'node:readline';
import { MessageWriter } from 'sinetstream';
import { serviceFromArgs } from './args.js';

const service = serviceFromArgs();
await using writer = await new MessageWriter<string>({ ...service, valueType: 'text' }).open();
for await (const line of createInterface({ input: process.stdin })) {
  await writer.publish(line);
}
