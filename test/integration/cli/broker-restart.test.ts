import { describe, expect, it } from 'vitest';
import { unusedPort } from '../../support/net.js';
import { cli } from './processes.js';

describe('the tutorial: stopping the broker mid-run', () => {
  it('keeps running while the broker is down, and new lines flow again after it restarts', async () => {
    const port = await unusedPort();
    const startBroker = async () => {
      const broker = cli(['broker', '--port', String(port), '--ws-port', '0']);
      await broker.waitFor(/listening/);
      return broker;
    };
    const service = [
      '--no-config',
      '--type',
      'mqtt',
      '--brokers',
      `127.0.0.1:${port}`,
      '--topic',
      'restart',
      '--text',
    ];
    let broker = await startBroker();
    const reader = cli(['read', ...service]);
    await reader.waitFor(/reading restart/);
    const writer = cli(['write', ...service, '-l']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    writer.child.stdin.write('before the stop\n');
    await reader.waitFor(/before the stop/);

    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(reader.child.exitCode).toBeNull();

    broker = await startBroker();
    // Both clients reconnect on their own; the reader subscribes again.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    writer.child.stdin.write('after the restart\n');
    await reader.waitFor(/after the restart/, 30_000);

    writer.child.stdin.end();
    expect(await writer.exited).toBe(0);
    await reader.stop();
    await broker.stop();
    expect(reader.stdout.split('\n')).toContain('after the restart');
  }, 90_000);
});
