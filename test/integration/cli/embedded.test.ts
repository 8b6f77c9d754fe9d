import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, inTerminal, ROOT, Running } from './processes.js';

let broker: Running;
let port: number;

beforeAll(async () => {
  broker = cli(['broker', '--port', '0', '--ws-port', '0']);
  port = Number((await broker.waitFor(/mqtt:\/\/127\.0\.0\.1:(\d+)/))[1]);
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

const service = () => ['--no-config', '--type', 'mqtt', '--brokers', `127.0.0.1:${port}`];

describe('sinetstream CLI on the embedded broker', { timeout: 60_000 }, () => {
  it('writes stdin lines that a separate reader prints as JSON lines, both exiting 0', async () => {
    const reader = cli([
      'read',
      ...service(),
      '--topic',
      'cli-json',
      '--text',
      '--count',
      '3',
      '-o',
      'json',
    ]);
    await reader.waitFor(/reading cli-json/);
    const writer = cli(['write', ...service(), '--topic', 'cli-json', '--text', '-l'], {
      input: 'one\ntwo\nthree\n',
    });
    expect(await writer.exited).toBe(0);
    expect(writer.stderr).toContain('wrote 3 message(s) to cli-json');
    expect(await reader.exited).toBe(0);
    const lines = reader.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.value)).toEqual(['one', 'two', 'three']);
    expect(lines[0]).toMatchObject({ topic: 'cli-json' });
    expect(lines[0].timestamp).toBeCloseTo(Date.now() / 1000, -2);
  });

  it('sends --header pairs on MQTT 5 that read -o json shows', async () => {
    const v5 = [...service(), '--type-spec', 'protocol=MQTTv5', '--topic', 'cli-headers', '--text'];
    const reader = cli(['read', ...v5, '--count', '1', '-o', 'json']);
    await reader.waitFor(/reading cli-headers/);
    const writer = cli([
      'write',
      ...v5,
      '--header',
      'origin=sensor-1',
      '--header',
      'note=a=b ✓',
      '-m',
      'hi',
    ]);
    expect(await writer.exited).toBe(0);
    expect(await reader.exited).toBe(0);
    expect(JSON.parse(reader.stdout)).toMatchObject({
      value: 'hi',
      headers: { origin: 'sensor-1', note: 'a=b ✓' },
    });
  });

  it('passes bytes through as one message (without -l) and -o raw', async () => {
    const reader = cli(['read', ...service(), '--topic', 'cli-raw', '--count', '1', '-o', 'raw']);
    await reader.waitFor(/reading cli-raw/);
    const writer = cli(['write', ...service(), '--topic', 'cli-raw'], {
      input: 'a\nb\n',
    });
    expect(await writer.exited).toBe(0);
    expect(await reader.exited).toBe(0);
    expect(reader.stdout).toBe('a\nb\n');
  });

  it('runs the tutorial producer at a terminal: each typed line reaches the consumer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-tutorial-'));
    writeFileSync(
      join(dir, '.sinetstream_config.yml'),
      `header:\n  version: 3\nconfig:\n  service-tutorial-mqtt:\n    type: mqtt\n    brokers: "127.0.0.1:${port}"\n    topic: topic-tutorial-mqtt\n    value_type: text\n`,
    );
    const run = (name: string) =>
      `node --import ${import.meta.resolve('tsx')} ${join(ROOT, 'examples', 'text', `${name}.ts`)} -s service-tutorial-mqtt`;
    const consumer = inTerminal(run('consumer'), dir);
    await consumer.waitFor(/: service=service-tutorial-mqtt/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const producer = inTerminal(run('producer'), dir);
    await producer.waitFor(/Press ctrl-c to exit the program\./);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    producer.child.stdin.write('hello from a terminal\r');
    await consumer.waitFor(/topic=topic-tutorial-mqtt value='hello from a terminal'/);
    producer.child.stdin.write('\u0004');
    await producer.stop();
    await consumer.stop();
  });

  it('exits 1 with a one-line cause, and shows the stack only with --debug', async () => {
    const plain = cli([
      'write',
      '-s',
      'no-such-service',
      '--config-file',
      join(ROOT, 'test/fixtures/tutorial.sinetstream_config.yml'),
    ]);
    expect(await plain.exited).toBe(1);
    expect(plain.stderr.trim()).toMatch(
      /^sinetstream: NoServiceError: service "no-such-service" is not defined in .*$/,
    );
    const debug = cli(['read', '--no-config', '--type', 'pigeon', '--topic', 't', '--debug']);
    expect(await debug.exited).toBe(1);
    expect(debug.stderr).toMatch(/UnsupportedServiceTypeError[\s\S]*\n\s+at /);
  });

  it('config lists the services and names each problem with its path', async () => {
    const ok = cli([
      'config',
      '--config-file',
      join(ROOT, 'test/fixtures/tutorial.sinetstream_config.yml'),
    ]);
    expect(await ok.exited).toBe(0);
    expect(ok.stdout).toContain(
      'service-tutorial-kafka: type=kafka brokers=broker:9092 topic=topic-tutorial-kafka',
    );
    expect(ok.stdout).toContain('no problems found');
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-config-'));
    writeFileSync(
      join(dir, 'bad.yml'),
      [
        'header: {version: 3}',
        'config:',
        '  s: {type: pigeon, receive_timeout_ms: soon}',
        '  m: {type: mqtt, type_spec: {retian: true, qos: high, will: {topic: 1, payload: x}}}',
        '  i: {type: mqtt, value_type: {name: image, args: {img_format: .gif, img_params: [1]}}}',
        '  t: {type: mqtt, value_type: {name: text, args: {encoding: latin1}}}',
      ].join('\n'),
    );
    const bad = cli(['config', '--config-file', join(dir, 'bad.yml')]);
    expect(await bad.exited).toBe(1);
    expect(bad.stdout).toMatch(/problem: .*bad\.yml: config\.s\.type: no plugin for "pigeon"/);
    expect(bad.stdout).toMatch(/problem: .*receive_timeout_ms: expected a number/);
    expect(bad.stdout).toMatch(/problem: .*bad\.yml: config\.m: parameter qos: "high" is not one/);
    expect(bad.stdout).toMatch(/problem: .*config\.m: parameter will\.topic: expected a string/);
    expect(bad.stdout).toMatch(
      /problem: .*config\.m: parameter retian .*\(did you mean retain\?\)$/m,
    );
    expect(bad.stdout).toMatch(
      /problem: .*bad\.yml: config\.i: value_type image: parameter args\.img_format: ".gif"/,
    );
    expect(bad.stdout).toMatch(/config\.t: value_type text: takes no args; args\.encoding/);
  });

  it("runs the tutorial's Reader and Writer against a broker given with -b", async () => {
    const examples = join(ROOT, 'examples');
    const program = (name: string, input?: string) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          `text/${name}.ts`,
          '-s',
          'service-tutorial-mqtt',
          '-b',
          `127.0.0.1:${port}`,
        ],
        { cwd: examples, env: { ...process.env, NODE_OPTIONS: '' } },
      );
      if (input !== undefined) child.stdin.end(input);
      return new Running(child);
    };
    const consumer = program('consumer');
    await consumer.waitFor(/: service=service-tutorial-mqtt/);
    // Subscribed once the broker has seen it; the writer sends after that.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const producer = program('producer', 'hello from the tutorial\n');
    expect(await producer.exited).toBe(0);
    await consumer.waitFor(/topic=topic-tutorial-mqtt value='hello from the tutorial'/);
    await consumer.stop();
  });

  it('shows a progress line at a terminal with --progress, and none through a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-progress-'));
    const file = join(dir, 'lines.txt');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n'));
    const args = [...service(), '--topic', 'cli-progress', '--consistency', 'AT_LEAST_ONCE'];
    const command = [
      'stty cols 120 rows 40;',
      'node',
      '--import',
      import.meta.resolve('tsx'),
      join(ROOT, 'src/cli/main.ts'),
      'write',
      ...args,
      '-l',
      '-f',
      file,
      '--progress',
    ].join(' ');
    const atTerminal = inTerminal(command, dir);
    expect(await atTerminal.exited).toBe(0);
    expect(atTerminal.stdout).toMatch(/sent [\d,]+ message\(s\), [\d,]+\/s/);
    expect(atTerminal.stdout).toContain('wrote 5000 message(s) to cli-progress');
    const piped = cli(['write', ...args, '-l', '-f', file, '--progress']);
    expect(await piped.exited).toBe(0);
    expect(piped.stderr).not.toMatch(/message\(s\), [\d,]+\/s/);
  });
});
