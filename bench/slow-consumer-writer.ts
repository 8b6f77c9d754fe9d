/**
 * The publishing side of bench/slow-consumer.ts, run by it as a child process so that the
 * reader's process holds only the reader. Publishes COUNT messages of 1 KiB (AT_LEAST_ONCE)
 * to TOPIC of the service described by CONFIG (JSON), never more than LEAD ahead of what the
 * reader has consumed: the reader sends its count over the IPC channel.
 *
 * `slow-consumer-writer.ts CONFIG TOPIC COUNT LEAD` (needs an IPC channel: started by fork).
 */
import { MessageWriter } from '../src/index.js';

const [config, topic, count, lead] = process.argv.slice(2);
if (!config || !topic || !count || !lead || !process.send) {
  throw new Error('usage: forked by bench/slow-consumer.ts with CONFIG TOPIC COUNT LEAD');
}
const COUNT = Number(count);
const LEAD = Number(lead);
const PAYLOAD = new Uint8Array(1024).fill(0x61);
const WINDOW = 64; // publishes in flight

let consumed = 0;
let published = 0;
const waiting: (() => void)[] = [];
process.on('message', (count: number) => {
  consumed = count;
  if (published - consumed < LEAD / 2) for (const resume of waiting.splice(0)) resume();
});
// The reader gave up (or died): nobody will consume what is left.
process.once('disconnect', () => {
  if (published < COUNT) process.exit(1);
});

{
  await using writer = await new MessageWriter({
    service: 'bench',
    config: JSON.parse(config),
    consistency: 'AT_LEAST_ONCE',
    topic,
  }).open();
  const lane = async () => {
    while (published < COUNT) {
      if (published - consumed >= LEAD) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      published++;
      await writer.publish(PAYLOAD);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
}
process.disconnect();
