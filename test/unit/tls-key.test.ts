import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MessageWriter } from '../../src/index.js';

const { privateKey } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: {
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'right-passphrase',
  },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A writer whose TLS key is `tls`; port 9 is never reached when the key does not open. */
function openWith(tls: Record<string, unknown>): Promise<unknown> {
  return new MessageWriter({
    noConfig: true,
    type: 'mqtt',
    brokers: '127.0.0.1:9',
    topic: 't',
    tls: { keyfile_data: privateKey, ...tls },
  }).open();
}

describe('a TLS client key that does not open is named at open()', () => {
  it('wrong passphrase: InvalidArgumentError naming tls.keyfile_password, not the passphrase', async () => {
    const error = (await openWith({ keyfile_password: 'wrong-passphrase' }).catch(
      (e) => e,
    )) as Error;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('tls.keyfile_password');
    expect(error.message).not.toContain('wrong-passphrase');
  });

  it('no passphrase for an encrypted key: InvalidArgumentError asking for it', async () => {
    const error = (await openWith({}).catch((e) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/encrypted.*tls\.keyfile_password/);
  });
});
