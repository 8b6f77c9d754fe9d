import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI, as `npx sinetstream` runs it (npm run build first).
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const options = { env: { ...process.env, ...env } };
    execFile(process.execPath, [cli, ...args], options, (error, _stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stderr });
    });
  });
}

describe('sinetstream CLI', () => {
  it('refuses a bad number when it reads the command line, echoing it', async () => {
    const count = await runCli(['read', '--no-config', '--type', 'memory', '--count', 'abc']);
    // 2, as upstream's (argparse's) exit code for a bad command line.
    expect(count.code).toBe(2);
    expect(count.stderr).toContain(`'-C, --count <n>' argument 'abc' is invalid`);
    const timeout = await runCli(['read', '--no-config', '--type', 'memory', '--timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('expected a number of milliseconds, got "soon"');
  });

  it('-c NAME asks the config server, which needs auth.json; -nc ignores -c, as upstream', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sinetstream-home-'));
    const server = await runCli(['write', '-c', 'my-config', '-m', 'x'], { HOME: home });
    expect(server.code).toBe(1);
    expect(server.stderr).toContain(
      'config "my-config" names a config on the SINETStream config server, which needs the API key file',
    );
    const noConfig = await runCli(['write', '-nc', 'type=memory', 'topic=t', '-c', 'x', '-m', 'x']);
    expect(noConfig.stderr).toContain('wrote 1 message(s) to t');
    expect(noConfig.code).toBe(0);
  });

  it('broker on a taken port says so and suggests --port', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stderr } = await runCli(['broker', '--port', String(port), '--ws-port', '0']);
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(stderr).toContain('--port <n>');
    } finally {
      taken.close();
    }
  });

  it('write ends at the first ctrl-c, saying what it sent', async () => {
    const writer = spawn(
      process.execPath,
      [cli, 'write', '--no-config', '--type', 'memory', '--topic', 't', '--text', '-l'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Input that stays open, as at a terminal.
    writer.stdin.write('one\ntwo\n');
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('sinetstream: writing to t');
    writer.kill('SIGINT');
    const [code] = await once(writer, 'exit');
    expect(code).toBe(0);
    expect(stderr).toContain('wrote 2 message(s) to t');
  }, 30_000);
});
