/**
 * The rate the live page (examples/browser) sustains while rendering: a Node writer publishes
 * COUNT messages (QoS 0) to the page's `sensors` service through Mosquitto's WebSocket
 * listener while headless Chromium shows them; prints messages/second as the page counted
 * them. With SCREENSHOT=path, also saves the page afterwards. Needs the page's dev server
 * (`npm run example:browser`) and scripts/chromium/setup.sh.
 */
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { MessageWriter } from '../src/index.js';

const URL = process.env.PAGE_URL ?? 'http://127.0.0.1:5173/';
const COUNT = Number(process.env.COUNT ?? 20_000);

const executablePath = execFileSync('sh', ['-c', 'command -v chromium'], {
  encoding: 'utf8',
}).trim();
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
await page.goto(URL);
await page.selectOption('#service', 'sensors');
await page.click('#connect-button');
await page.getByText('connected: sensors').waitFor();

await using writer = await new MessageWriter<string>({
  service: 'sensors',
  config: {
    header: { version: 3 },
    config: {
      sensors: {
        type: 'mqtt',
        brokers: '127.0.0.1:1883',
        topic: 'sinetstream/browser/sensors',
        value_type: 'text',
        type_spec: { qos: 0 },
      },
    },
  },
}).open();
const count = async () => Number(await page.textContent('#count'));
// The page's own count, polled while the writer runs: from the first message shown to the last.
// Batches of publishes in flight, so that the page, not the writer, sets the pace.
const BATCH = 200;
const publishing = (async () => {
  for (let at = 0; at < COUNT; at += BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = at; i < Math.min(at + BATCH, COUNT); i++) {
      batch.push(
        writer.publish(`temperature ${(20 + 5 * Math.sin(i / 500)).toFixed(2)} °C (#${i})`),
      );
    }
    await Promise.all(batch);
  }
})();
let first: number | undefined;
let last = performance.now();
let seen = 0;
for (let idle = 0; idle < 40 && seen < COUNT; ) {
  await page.waitForTimeout(250);
  const now = await count();
  if (now > seen) {
    first ??= performance.now();
    last = performance.now();
    idle = 0;
  } else idle++;
  seen = now;
}
await publishing;
const seconds = (last - (first ?? last)) / 1000;
console.log(
  `page showed ${seen}/${COUNT} messages; ${Math.round(seen / seconds)} messages/s from the first shown to the last (${seconds.toFixed(1)} s), while rendering`,
);
if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
await browser.close();
