import { execFileSync } from 'node:child_process';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { viteSeams } from './scripts/browser/seams.js';
import { type PyRequest, runPython } from './test/interop/python.js';

/**
 * Debian's Chromium (scripts/chromium/setup.sh); playwright's own browsers are not used.
 * Looked up without failing, so that the Node project runs where Chromium is not installed;
 * the browser project then fails to launch, naming the script.
 */
function chromium(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return 'chromium (not installed: run scripts/chromium/setup.sh)';
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Broker suites share loopback servers; a little parallelism keeps them fast without
    // starving a 2-core machine.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // The browser build: each src module with a .browser.ts twin is replaced by it.
        plugins: [viteSeams],
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            // As root Chromium needs --no-sandbox; the wss:// tests meet our test CA's
            // certificate, which this throwaway profile is told to accept.
            provider: playwright({
              launchOptions: {
                executablePath: chromium(),
                args: ['--no-sandbox', '--ignore-certificate-errors'],
              },
            }),
            instances: [{ browser: 'chromium' }],
            commands: {
              python: (_context, requests: PyRequest[]) => runPython(requests),
            },
          },
        },
      },
    ],
  },
});
