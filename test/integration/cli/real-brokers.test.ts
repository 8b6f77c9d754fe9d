import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLAINTEXT, requireKafka } from '../kafka/helpers.js';
import { requireMosquitto } from '../mqtt/mosquitto.js';
import { cli } from './processes.js';

const brokers = [
  { name: 'Mosquitto', type: 'mqtt', address: '127.0.0.1:1883', require: requireMosquitto },
  { name: 'Kafka', type: 'kafka', address: PLAINTEXT, require: requireKafka },
];

describe.each(brokers)('sinetstream CLI on $name', ({ type, address, require }) => {
  beforeAll(require);

  it('writes N lines that a separate reader prints, both exiting 0', async () => {
    const topic = `cli-${type}-${randomUUID().slice(0, 8)}`;
    const service = [
      '--no-config',
      '--type',
      type,
      '--brokers',
      address,
      '--topic',
      topic,
      '--text',
    ];
    const reader = cli(['read', ...service, '--count', '3', '-o', 'json']);
    await reader.waitFor(new RegExp(`reading ${topic}`), 30_000);
    const writer = cli(['write', ...service, '-l'], { input: 'a\nb\nc\n' });
    expect(await writer.exited).toBe(0);
    expect(await reader.exited).toBe(0);
    const values = reader.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).value);
    expect(values).toEqual(['a', 'b', 'c']);
  }, 60_000);
});
