import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import {
  AsyncMessageReader,
  type Message,
  MessageReader,
  MessageWriter,
  SinetError,
} from '../../src/index.js';
import { expectNoSecret } from './secrets.js';

export const CRYPTO_PASSWORD = 'crypto-pw-8d21f6';
const WRONG_CRYPTO_PASSWORD = 'crypto-wrong-pw-0b93e4';
const KEY_PASSPHRASE = 'tls-passphrase-5ae713';
const WRONG_KEY_PASSPHRASE = 'tls-wrong-passphrase-c92b40';

/** An encrypted private key given inline (`keyfile_data`), and a line of it decrypted. */
const { privateKey: ENCRYPTED_KEY } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: {
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: KEY_PASSPHRASE,
  },
});
/** The middle line of a PEM: base64 no message would hold by chance. */
const pemLine = (pem: string) => pem.split('\n')[2]!;

/** How one broker is reached, with good and refused credentials. */
export interface BrokerUnderTest {
  readonly type: string;
  /** Absent for S3, which takes an endpoint in type_spec. */
  readonly brokers?: string;
  /** type_spec with credentials the broker accepts. */
  readonly credentials: Record<string, unknown>;
  /** type_spec with credentials the broker refuses. */
  readonly refusedCredentials: Record<string, unknown>;
  /** The broker's secrets in those, good and refused. */
  readonly secrets: readonly string[];
  /** Options that point the client where nothing listens. */
  readonly unreachable: MoreOptions;
  /** Options that point the client where TLS is spoken (or tried), for the inline key. */
  readonly tlsTarget: MoreOptions;
  /** type_spec of every client (e.g. no reconnection, so failures come at once). */
  readonly typeSpec?: Record<string, unknown>;
  readonly newTopic: () => string;
}

const crypto = (password: string) => ({
  algorithm: 'AES',
  mode: 'GCM',
  password,
  key_derivation: { iteration: 1000 },
});

/** What a failure changes in a client's options; typeSpec adds to the broker's. */
export interface MoreOptions {
  readonly brokers?: string;
  readonly typeSpec?: Record<string, unknown>;
  readonly tls?: Record<string, unknown>;
  readonly crypto?: Record<string, unknown>;
}

function options(broker: BrokerUnderTest, topic: string, more: MoreOptions = {}) {
  return {
    noConfig: true,
    type: broker.type,
    ...((more.brokers ?? broker.brokers) === undefined
      ? {}
      : { brokers: more.brokers ?? broker.brokers }),
    topic,
    topics: topic,
    dataEncryption: true,
    crypto: more.crypto ?? crypto(CRYPTO_PASSWORD),
    receiveTimeoutMs: 20_000,
    typeSpec: { ...broker.typeSpec, ...broker.credentials, ...more.typeSpec },
    ...(more.tls ? { tls: more.tls } : {}),
  } as never;
}

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/**
 * Opens readers and writers of `broker` with a crypto password and broker credentials, and
 * makes them fail every way a user meets (wrong crypto password, nothing listening, refused
 * credentials, a TLS key with its passphrase right and wrong); then looks for every secret
 * in all they print and all a program can reach from them and from each error.
 */
export async function expectNoSecretFromBroker(broker: BrokerUnderTest): Promise<string[]> {
  const secrets = [
    CRYPTO_PASSWORD,
    WRONG_CRYPTO_PASSWORD,
    KEY_PASSPHRASE,
    WRONG_KEY_PASSPHRASE,
    pemLine(ENCRYPTED_KEY),
    ...broker.secrets,
  ];
  const check = (value: unknown, what: string) => expectNoSecret(value, secrets, what);
  const seen: string[] = [];

  // Open, then a message through, then a reader whose crypto password is wrong. Each reader
  // has a topic of its own: on AMQP, readers of one queue share its messages.
  const [topic, wrongTopic, callbackTopic] = [
    broker.newTopic(),
    broker.newTopic(),
    broker.newTopic(),
  ];
  const reader = await new MessageReader(options(broker, topic)).open();
  const wrongReader = await new MessageReader(
    options(broker, wrongTopic, { crypto: crypto(WRONG_CRYPTO_PASSWORD) }),
  ).open();
  const callbacks = new AsyncMessageReader(options(broker, callbackTopic));
  const received: Message[] = [];
  callbacks.onMessage = (message) => {
    received.push(message as Message);
  };
  await callbacks.open();
  const writers = await Promise.all(
    [topic, wrongTopic, callbackTopic].map((to) => new MessageWriter(options(broker, to)).open()),
  );
  const clients = [reader, wrongReader, callbacks, ...writers];
  try {
    for (const client of clients) check(client, 'an open client');
    for (const writer of writers) await writer.publish(new TextEncoder().encode('hello'));
    for await (const message of reader) {
      check(message, 'a received message');
      seen.push('received');
      break;
    }
    const wrong = await failureOf(async () => {
      for await (const _ of wrongReader) {
      }
    });
    expect(wrong).toBeInstanceOf(SinetError);
    check(wrong, 'the wrong crypto password error');
    seen.push((wrong as Error).name);
    for (const message of received) check(message, 'a message given to onMessage');
    for (const client of clients) check(client, 'a used client');
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  for (const client of clients) check(client, 'a closed client');

  // Failures to open.
  const failures: [string, MoreOptions][] = [
    ['nothing listening', broker.unreachable],
    ['refused credentials', { typeSpec: broker.refusedCredentials }],
    ...[KEY_PASSPHRASE, WRONG_KEY_PASSPHRASE].map((passphrase): [string, MoreOptions] => [
      `an inline TLS key, passphrase ${passphrase === KEY_PASSPHRASE ? 'right' : 'wrong'}`,
      {
        ...broker.tlsTarget,
        tls: { keyfile_data: ENCRYPTED_KEY, keyfile_password: passphrase },
      },
    ]),
  ];
  for (const [what, more] of failures) {
    for (const Client of [MessageWriter, MessageReader]) {
      const client = new Client(options(broker, broker.newTopic(), more));
      check(client, `a client before open (${what})`);
      const error = await failureOf(async () => {
        await client.open();
        // Some brokers take a session and refuse only what is done with it.
        if (client instanceof MessageWriter) await client.publish(new Uint8Array(1));
      });
      expect(error, what).toBeInstanceOf(SinetError);
      check(error, `the error (${what})`);
      check(client, `the client after the error (${what})`);
      await client.close();
      seen.push(`${what}: ${(error as Error).name}`);
    }
  }
  return seen;
}
