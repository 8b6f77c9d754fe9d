/**
 * The live page (examples/browser) end to end, in Chromium, through the page itself: a message
 * the Python SINETStream 1.10 writer sends (AES-GCM + zstd, Mosquitto's WebSocket listener)
 * appears in its table; a message published from its form reaches a Python reader and a Node
 * reader; with a wrong password the page shows InvalidMessageError.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageReader } from '../../src/index.js';
import { requireMosquitto } from '../integration/mqtt/mosquitto.js';
import { PythonDriver, requireVenv } from '../interop/brokers/driver.js';

const REPO = resolve(import.meta.dirname, '../..');
const PASSWORD = 'page-secret';
const TOPIC = 'sinetstream/browser/secure';
const WAIT_MS = 15_000;
/** The page's sensors-secure service, with the password the page asks for. */
const SECURE_SERVICE = {
  type: 'mqtt',
  brokers: '127.0.0.1:9001',
  topic: TOPIC,
  value_type: 'text',
  type_spec: { transport: 'websockets', protocol: 'MQTTv311', qos: 1 },
  data_compression: true,
  compression: { algorithm: 'zstd' },
  data_encryption: true,
  crypto: { algorithm: 'AES', key_length: 256, mode: 'GCM', password: PASSWORD },
};

let server: ViteDevServer;
let browser: Browser;
let page: Page;
let python: PythonDriver;
const nonce = crypto.randomUUID().slice(0, 8);

async function connect(password: string): Promise<void> {
  await page.selectOption('#service', 'sensors-secure');
  await page.fill('#password', password);
  await page.click('#connect-button');
  await page.getByText('connected: sensors-secure').waitFor({ timeout: WAIT_MS });
}

async function pythonWrites(value: string): Promise<void> {
  const reply = await python.request(
    {
      op: 'write',
      service: 'sensors-secure',
      topic: TOPIC,
      text: true,
      messages: [{ value, timestamp_us: null }],
    },
    WAIT_MS,
  );
  expect(reply.error).toBeUndefined();
}

beforeAll(async () => {
  await requireMosquitto();
  requireVenv(['sinetstream-mqtt==1.10.0']);
  const dir = mkdtempSync(join(tmpdir(), 'sinetstream-page-'));
  writeFileSync(
    join(dir, '.sinetstream_config.yml'),
    JSON.stringify({ header: { version: 3 }, config: { 'sensors-secure': SECURE_SERVICE } }),
  );
  python = new PythonDriver('python writer/reader', dir);
  server = await createServer({
    configFile: join(REPO, 'examples/browser/vite.config.ts'),
    server: { port: 0, strictPort: false },
    logLevel: 'warn',
  });
  await server.listen();
  let executablePath: string;
  try {
    executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error('no chromium on PATH: run scripts/chromium/setup.sh', { cause: error });
  }
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  await page.goto(server.resolvedUrls!.local[0]!);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await python?.stop();
});

describe('the live page', () => {
  it('shows a message the Python writer sent with AES-GCM + zstd', async () => {
    await connect(PASSWORD);
    const text = `from python ${nonce}`;
    await pythonWrites(text);
    await page.locator('#messages td', { hasText: text }).waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('publishes from its form to a Python reader and a Node reader', async () => {
    const opened = await python.request(
      {
        op: 'open_reader',
        service: 'sensors-secure',
        topic: TOPIC,
        text: true,
        timeout_ms: WAIT_MS,
      },
      WAIT_MS * 2,
    );
    expect(opened.error).toBeUndefined();
    await using node = await new MessageReader<string>({
      service: 'sensors-secure',
      config: { header: { version: 3 }, config: { 'sensors-secure': SECURE_SERVICE } },
      receiveTimeoutMs: WAIT_MS,
    }).open();
    const text = `from the page ${nonce}`;
    await page.fill('#message', text);
    await page.click('#publish-button');

    const nodeGot: string[] = [];
    for await (const message of node) {
      nodeGot.push(message.value);
      if (message.value === text) break;
    }
    expect(nodeGot).toContain(text);
    const collected = await python.request(
      { op: 'collect', count: 1, timeout_ms: WAIT_MS },
      WAIT_MS * 2,
    );
    expect(collected.error).toBeUndefined();
    expect(collected.messages!.map((m) => m.value)).toContain(text);
  });

  it('with a wrong password shows InvalidMessageError, not garbage', async () => {
    await connect('not-the-password');
    const text = `for the right password only ${nonce}`;
    await pythonWrites(text);
    const error = page.locator('#error');
    await error.getByText('InvalidMessageError').waitFor({ timeout: WAIT_MS });
    expect(await error.textContent()).toMatch(/^InvalidMessageError: .*message does not decrypt/);
    expect(await page.locator('#messages td', { hasText: text }).count()).toBe(0);
  });
});
