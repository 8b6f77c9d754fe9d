import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { Secret } from '../crypto/secret.js';
import {
  InvalidArgumentError,
  InvalidConfigError,
  NoConfigError,
  NoServiceError,
} from '../errors.js';
import { type ConfigServerOptions, ConfigServerSession } from './config-server-http.js';
import type { FoundConfig } from './find.js';
import { decryptSecretBytes, loadPrivateKey, textIfUtf8 } from './secrets.js';
import { isMapping } from './values.js';
import { EncryptedSecret } from './yaml.js';

/**
 * Readers get every version of a versioned `crypto.key` (as `crypto._keys`), to read messages
 * written with older keys; writers only the newest, the one they write with.
 */
export type KeyNeed = 'all-versions' | 'newest';

/** A string in `config` that is a YAML or JSON document, not a config server name. */
function looksLikeDocument(name: string): boolean {
  return /[\n{]|:\s/.test(name);
}

/**
 * The config `name` from the SINETStream config server, as a v1..v3 document holding the
 * one service, with attachments in place and secrets decrypted with the user's private key
 * (`_keys` and `key` under `crypto` as Secret bytes). The protocol is upstream 1.10's.
 */
export async function fetchServerConfig(
  name: string,
  service: string | undefined,
  keys: KeyNeed,
  options: ConfigServerOptions,
): Promise<FoundConfig> {
  if (name === '' || looksLikeDocument(name)) {
    throw new InvalidArgumentError(
      `config: a string names a config on the SINETStream config server, and ${JSON.stringify(name.slice(0, 40))} is not a name; pass an inline config document as an object, or give configFile`,
    );
  }
  const session = await ConfigServerSession.open(name, options);
  try {
    const source = `config server ${session.address}: config "${name}"`;
    const answer = await session.get(`configs/${encodeURIComponent(name)}`);
    const { version, services, attachments, secrets } = readConfigAnswer(answer, name, source);
    const chosen = chooseService(services, service, source);
    const params = structuredClone(services[chosen] as Record<string, unknown>);
    for (const attachment of attachments) applyAttachment(params, attachment, chosen, source);
    const fetcher = new SecretFetcher(session, source);
    for (const secret of secrets) await fetcher.apply(params, secret, chosen, keys);
    return { source, document: { header: { version }, config: { [chosen]: params } } };
  } finally {
    await session.close();
  }
}

interface ConfigAnswer {
  readonly version: 1 | 2 | 3;
  readonly services: Record<string, unknown>;
  readonly attachments: readonly Record<string, unknown>[];
  readonly secrets: readonly Record<string, unknown>[];
}

/** `{name, config: {header: {version}, config: {...}}, attachments?: [...], secrets?: [...]}`. */
function readConfigAnswer(answer: unknown, name: string, source: string): ConfigAnswer {
  const bad = (problem: string) => new InvalidConfigError(`${source}: ${problem}`);
  if (!isMapping(answer)) throw bad('the answer is not a JSON object');
  if (answer.name !== name) throw bad(`the answer is for config ${JSON.stringify(answer.name)}`);
  const content = answer.config;
  if (!isMapping(content)) throw bad('the answer has no "config" object');
  if (!isMapping(content.header)) throw bad('config.header is not an object');
  const version = content.header.version;
  if (version !== 1 && version !== 2 && version !== 3) {
    throw bad(`config.header.version ${JSON.stringify(version)} is not 1, 2 or 3`);
  }
  if (!isMapping(content.config)) throw bad('config.config is not an object');
  const list = (key: 'attachments' | 'secrets') => {
    const value = answer[key] ?? [];
    if (!Array.isArray(value) || !value.every(isMapping)) {
      throw bad(`"${key}" is not a list of objects`);
    }
    return value as Record<string, unknown>[];
  };
  return {
    version,
    services: content.config,
    attachments: list('attachments'),
    secrets: list('secrets'),
  };
}

function chooseService(
  services: Record<string, unknown>,
  service: string | undefined,
  source: string,
): string {
  const names = Object.keys(services);
  if (service === undefined) {
    if (names.length === 1) return names[0]!;
    throw new NoConfigError(
      names.length === 0
        ? `${source}: defines no service`
        : `${source}: defines ${names.length} services (${names.join(', ')}); give service`,
    );
  }
  if (!isMapping(services[service])) {
    throw new NoServiceError(
      `${source}: service "${service}" is not defined (defined: ${names.join(', ') || 'none'})`,
    );
  }
  return service;
}

/** `target` is `<service or *>.<dotted path in the service>`; undefined when for another service. */
function targetPath(target: unknown, service: string, source: string): string[] | undefined {
  if (typeof target !== 'string')
    throw new InvalidConfigError(`${source}: a target is not a string`);
  const path = target.split('.');
  if (path.length < 2 || path.some((part) => part === '')) {
    throw new InvalidConfigError(`${source}: target "${target}" is not <service>.<key>[.<key>...]`);
  }
  return path[0] === '*' || path[0] === service ? path.slice(1) : undefined;
}

function setAt(
  params: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
  source: string,
) {
  let node = params;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    const next = node[key];
    if (!isMapping(next)) {
      throw new InvalidConfigError(`${source}: ${path.join('.')}: ${key} is not a mapping`);
    }
    node = next;
  }
  node[path[path.length - 1]!] = value;
}

/** A file's content (a CA certificate...), base64 in `value`, placed as bytes at its target. */
function applyAttachment(
  params: Record<string, unknown>,
  attachment: Record<string, unknown>,
  service: string,
  source: string,
): void {
  const path = targetPath(attachment.target, service, source);
  if (!path) return;
  if (typeof attachment.value !== 'string') {
    throw new InvalidConfigError(`${source}: attachment ${String(attachment.target)} has no value`);
  }
  setAt(params, path, new Uint8Array(Buffer.from(attachment.value, 'base64')), source);
}

const CRYPTO_KEY = 'crypto.key';

/** Fetches secrets one by one, encrypted for the user's public key, and decrypts them. */
class SecretFetcher {
  #key: KeyObject | undefined;
  #fingerprint: string | undefined;

  constructor(
    private readonly session: ConfigServerSession,
    private readonly source: string,
  ) {}

  async apply(
    params: Record<string, unknown>,
    secret: Record<string, unknown>,
    service: string,
    keys: KeyNeed,
  ): Promise<void> {
    const path = targetPath(secret.target, service, this.source);
    if (!path) return;
    const target = secret.target as string;
    const isCryptoKey = path.join('.') === CRYPTO_KEY;
    if (secret.ids === undefined || secret.ids === null) {
      const plaintext = await this.#fetch(secret.id, target);
      setAt(params, path, isCryptoKey ? new Secret(plaintext) : textIfUtf8(plaintext), this.source);
      return;
    }
    const versions = this.#versions(secret.ids, target);
    if (!isCryptoKey) {
      // Only a crypto key's versions mean something to a reader; other targets take the newest.
      const newest = versions[versions.length - 1]!;
      setAt(params, path, textIfUtf8(await this.#fetch(newest.id, target)), this.source);
      return;
    }
    const wanted = keys === 'all-versions' ? versions : versions.slice(-1);
    const byVersion: Record<string, Secret> = {};
    for (const { id, version } of wanted) {
      byVersion[version] = new Secret(await this.#fetch(id, target));
    }
    setAt(params, ['crypto', '_keys'], byVersion, this.source);
  }

  /** `ids: [{id, version}, ...]`, oldest first. */
  #versions(ids: unknown, target: string): { id: string; version: number }[] {
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new InvalidConfigError(`${this.source}: secret ${target}: ids is not a non-empty list`);
    }
    const versions = ids.map((entry) => {
      const id = isMapping(entry) ? entry.id : undefined;
      const version = isMapping(entry) ? entry.version : undefined;
      if (typeof id !== 'string' || typeof version !== 'number' || !Number.isInteger(version)) {
        throw new InvalidConfigError(
          `${this.source}: secret ${target}: an ids entry is not {id: string, version: integer}`,
        );
      }
      return { id, version };
    });
    return versions.sort((a, b) => a.version - b.version);
  }

  /** GET /secrets/{id} with our public key's fingerprint: `{id, target, value, fingerprint?}`. */
  async #fetch(id: unknown, target: string): Promise<Uint8Array> {
    if (typeof id !== 'string' || id === '') {
      throw new InvalidConfigError(`${this.source}: secret ${target} has no id`);
    }
    const where = `${this.source}: secret ${target}`;
    this.#key ??= loadPrivateKey({}, where);
    this.#fingerprint ??= publicKeyFingerprint(this.#key);
    const answer = await this.session.get(`secrets/${encodeURIComponent(id)}`, {
      'SINETStream-config-publickey': this.#fingerprint,
    });
    if (!isMapping(answer) || answer.id !== id || typeof answer.value !== 'string') {
      throw new InvalidConfigError(`${where}: the answer is not {id: "${id}", value: string}`);
    }
    if (answer.target !== target) {
      throw new InvalidConfigError(`${where}: the answer is for target ${String(answer.target)}`);
    }
    if (answer.fingerprint !== undefined && answer.fingerprint !== this.#fingerprint) {
      throw new InvalidConfigError(
        `${where}: encrypted for the public key ${String(answer.fingerprint)}, but the private key's is ${this.#fingerprint}; register this public key with the config server`,
      );
    }
    return decryptSecretBytes(new EncryptedSecret(answer.value), this.#key, where);
  }
}

/**
 * The config server's name for a public key: SHA-256 of its OpenSSH wire form
 * (`ssh-rsa`, e, n), base64 without padding, as `ssh-keygen -l` prints after `SHA256:`.
 */
export function publicKeyFingerprint(key: KeyObject): string {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const mpint = (base64url: string) => {
    let bytes = Buffer.from(base64url, 'base64url');
    while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
    return field(
      bytes.length > 0 && bytes[0]! & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes,
    );
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  return createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
