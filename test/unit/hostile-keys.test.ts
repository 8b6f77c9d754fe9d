import * as nodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { readCryptoParams } from '../../src/crypto/params.js';
import {
  createMessageDecoder,
  createMessageEncoder,
  InvalidArgumentError,
  InvalidMessageError,
  MessageReader,
  MessageWriter,
} from '../../src/index.js';
import { failure } from '../support/failure.js';

/** Derivations running now, the most ever running at once, and those finished. */
const derivations = vi.hoisted(() => ({ running: 0, most: 0, finished: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const pbkdf2 = (...args: unknown[]) => {
    const done = args.pop() as (error: Error | null, key: Buffer) => void;
    derivations.running++;
    derivations.most = Math.max(derivations.most, derivations.running);
    (actual.pbkdf2 as (...a: unknown[]) => void)(...args, (error: Error | null, key: Buffer) => {
      derivations.running--;
      derivations.finished++;
      done(error, key);
    });
  };
  return { ...actual, pbkdf2: vi.fn(pbkdf2), pbkdf2Sync: vi.fn(actual.pbkdf2Sync) };
});

const crypto = (iteration: number) => ({
  algorithm: 'AES',
  mode: 'GCM',
  password: 'secret-for-keys',
  key_derivation: { iteration },
});
const SALT_AT = 6; // behind the v3 header; the salt is 8 bytes

/** Messages as a writer with the password would send them, but each with a salt of its own. */
async function forgedMessages(count: number): Promise<Uint8Array[]> {
  // The iteration count is not on the wire: a cheap one makes the same bytes.
  const encoder = await createMessageEncoder({
    noConfig: true,
    dataEncryption: true,
    crypto: crypto(1000),
  });
  const genuine = encoder.encode(new TextEncoder().encode('forged'));
  return Array.from({ length: count }, () => {
    const forged = Uint8Array.from(genuine);
    forged.set(nodeCrypto.randomBytes(8), SALT_AT);
    return forged;
  });
}

describe('crypto.key_derivation.iteration is bounded', () => {
  it('takes 10,000,000 and refuses more, naming the key', async () => {
    await expect(readCryptoParams(crypto(10_000_000))).resolves.toMatchObject({
      iteration: 10_000_000,
    });
    const error = await failure(() =>
      createMessageDecoder({ noConfig: true, dataEncryption: true, crypto: crypto(10_000_001) }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/crypto\.key_derivation\.iteration: .*1\.\.10000000/);
  });
});

let brokerCount = 0;
function memoryService(extra: Record<string, unknown> = {}) {
  brokerCount++;
  return {
    service: 's',
    config: { s: { type: 'memory', brokers: `keys-${brokerCount}`, topic: 't', ...extra } },
  };
}

describe('a reader flooded with forged salts', () => {
  it('keeps the event loop running while it derives, and reads on after them', async () => {
    const service = memoryService();
    const forged = await forgedMessages(2);
    // Most of a second of PBKDF2 per forged message: blocking, it would stop the ticks below.
    await using reader = await new MessageReader<string>({
      ...service,
      valueType: 'text',
      dataEncryption: true,
      crypto: crypto(2_000_000),
      receiveTimeoutMs: 10_000,
    }).open();
    await using raw = await new MessageWriter({ ...service, userDataOnly: true }).open();
    for (const bytes of forged) await raw.publish(bytes);
    const genuine = await createMessageEncoder<string>({
      noConfig: true,
      valueType: 'text',
      dataEncryption: true,
      crypto: crypto(2_000_000),
    });
    await raw.publish(genuine.encode('genuine'));

    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 20);
    vi.mocked(nodeCrypto.pbkdf2Sync).mockClear();
    const errors: Error[] = [];
    let value: string | undefined;
    try {
      while (value === undefined) {
        try {
          for await (const message of reader) {
            value = message.value;
            break;
          }
        } catch (error) {
          errors.push(error as Error);
        }
      }
    } finally {
      clearInterval(ticker);
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toBeInstanceOf(InvalidMessageError);
    expect(value).toBe('genuine');
    expect(nodeCrypto.pbkdf2Sync).not.toHaveBeenCalled();
    expect(longestGap).toBeLessThan(500);
  });

  it('runs at most 2 derivations at once, queues 16, and refuses the rest', async () => {
    const decoder = await createMessageDecoder({
      noConfig: true,
      dataEncryption: true,
      crypto: crypto(100_000),
    });
    derivations.most = 0;
    const results = await Promise.allSettled(
      (await forgedMessages(40)).map((m) => decoder.decode(m)),
    );
    const reasons = results.map((result) => (result as PromiseRejectedResult).reason as Error);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    for (const reason of reasons) expect(reason).toBeInstanceOf(InvalidMessageError);
    expect(derivations.most).toBe(2);
    const refused = reasons.filter((reason) => /keys are being derived/.test(reason.message));
    expect(refused).toHaveLength(40 - 18);
  });

  it('close() does not wait for a derivation under way, and ends the iteration', async () => {
    const service = memoryService();
    await using reader = await new MessageReader({
      ...service,
      dataEncryption: true,
      crypto: crypto(10_000_000),
    }).open();
    await using raw = await new MessageWriter({ ...service, userDataOnly: true }).open();
    await raw.publish((await forgedMessages(1))[0]!);
    const finishedBefore = derivations.finished;
    const iteration = (async () => {
      for await (const _ of reader) {
      }
    })();
    await vi.waitFor(() => expect(derivations.running).toBe(1));
    await reader.close();
    await iteration;
    expect(derivations.finished).toBe(finishedBefore);
  });
});
