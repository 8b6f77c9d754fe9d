/** The tutorial's Writer with the asynchronous API: lines are sent without waiting. */
import { createInterface } from 'node:readline';
import { AsyncMessageWriter } from 'sinetstream';
import { serviceFromArgs } from '../text/args.js';

const service = serviceFromArgs();
await using writer = await new AsyncMessageWriter<string>({ ...service, valueType: 'text' }).open();
const pending: Promise<void>[] = [];
for await (const line of createInterface({ input: process.stdin })) {
  pending.push(
    writer.publish(line).catch((error: Error) => console.error(`failed: ${error.message}`)),
  );
}
await Promise.all(pending);
