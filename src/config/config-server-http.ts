import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates } from 'node:tls';
import { Secret } from '../crypto/secret.js';
import {
  AuthorizationError,
  ConnectionError,
  InvalidConfigError,
  NoConfigError,
  NoServiceError,
} from '../errors.js';
import { isMapping } from './values.js';

/** How to reach the SINETStream config server (`config: 'NAME'`). */
export interface ConfigServerOptions {
  /**
   * The API key file the config server's web page gives out (upstream `auth_path`); default
   * `~/.config/sinetstream/auth.json`.
   */
  authFile?: string;
  /**
   * A PEM file of the private CA that signed the server's certificate, trusted besides
   * Node's bundled and the system's CA certificates.
   */
  caCerts?: string;
  /** How long each request to the server may take, in milliseconds (default 30000). */
  timeoutMs?: number;
}

export const DEFAULT_CONFIG_SERVER_TIMEOUT_MS = 30_000;
const API_PATH = '/api/v1';
/** A token this close to its expiry is renewed first, so that it does not lapse mid-request. */
const EXPIRY_MARGIN_MS = 5_000;
/** The part of an error answer quoted in the message: the server's reason, not a whole page. */
const QUOTED_BODY_CHARS = 200;
/** OpenSSL's codes for a chain that ends at no trusted CA, which a private CA fixes. */
const UNTRUSTED_CERTIFICATE =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)$/;

export function defaultAuthFile(home = homedir()): string {
  return join(home, '.config', 'sinetstream', 'auth.json');
}

interface AuthInfo {
  readonly address: string;
  readonly user: string;
  readonly secretKey: Secret;
  readonly path: string;
}

/** `auth.json`: `{"config-server": {"address", "user", "secret-key"}}`, as upstream reads it. */
export async function readAuthFile(path: string, configName: string): Promise<AuthInfo> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new NoConfigError(
      `config "${configName}" names a config on the SINETStream config server, which needs the API key file ${path} (from the server's web page; or give configServer.authFile). For an inline config document, pass an object as config; for a file, give configFile`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfigError(`${path}: not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const server = isMapping(parsed) ? parsed['config-server'] : undefined;
  if (!isMapping(server)) throw new InvalidConfigError(`${path}: no "config-server" mapping`);
  const field = (key: string): string => {
    const value = server[key];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidConfigError(`${path}: config-server.${key} is not a non-empty string`);
    }
    return value;
  };
  return {
    address: field('address').replace(/\/+$/, ''),
    user: field('user'),
    secretKey: new Secret(new TextEncoder().encode(field('secret-key'))),
    path,
  };
}

interface CachedToken {
  readonly token: Secret;
  /** Milliseconds since the epoch; infinite when the server gave no expiry. */
  readonly expiresAt: number;
}

/**
 * Tokens by server, user and API key, shared by every reader and writer of the process, so
 * that opening many clients authenticates once until the token expires or is refused.
 */
const tokens = new Map<string, CachedToken>();

function tokenKey(auth: AuthInfo): string {
  const digest = createHash('sha256').update(auth.secretKey.reveal()).digest('hex');
  return `${auth.address}\0${auth.user}\0${digest}`;
}

/** Upstream's answers carry no structure for errors: their text is the reason. */
function statusError(status: number, what: string, body: string): Error {
  const reason = body.length > QUOTED_BODY_CHARS ? `${body.slice(0, QUOTED_BODY_CHARS)}...` : body;
  const message = `${what}: HTTP ${status}${reason === '' ? '' : ` ${reason}`}`;
  if (status === 401) return new AuthorizationError(message, { code: status, retriable: false });
  if (status === 404) return new NoServiceError(message, { code: status, retriable: false });
  return new ConnectionError(message, { code: status, retriable: status >= 500 });
}

/** One conversation with the config server: its TLS trust, timeout and bearer token. */
export class ConfigServerSession {
  readonly #auth: AuthInfo;
  readonly #timeoutMs: number;
  readonly #dispatcher: import('undici').Agent;
  readonly #fetch: typeof import('undici').fetch;

  private constructor(
    auth: AuthInfo,
    timeoutMs: number,
    undici: typeof import('undici'),
    ca: string[],
  ) {
    this.#auth = auth;
    this.#timeoutMs = timeoutMs;
    this.#fetch = undici.fetch;
    this.#dispatcher = new undici.Agent({ connect: { ca } });
  }

  /** Reads the API key file and the CA certificates; undici is imported only here. */
  static async open(
    configName: string,
    options: ConfigServerOptions,
  ): Promise<ConfigServerSession> {
    const auth = await readAuthFile(options.authFile ?? defaultAuthFile(), configName);
    const ca = [...getCACertificates('default'), ...systemCertificates()];
    if (options.caCerts !== undefined) {
      try {
        ca.push(await readFile(options.caCerts, 'utf8'));
      } catch (error) {
        throw new InvalidConfigError(`configServer.caCerts: cannot read ${options.caCerts}`, {
          cause: error,
        });
      }
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONFIG_SERVER_TIMEOUT_MS;
    return new ConfigServerSession(auth, timeoutMs, await import('undici'), ca);
  }

  get address(): string {
    return this.#auth.address;
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  /**
   * GET `/api/v1/<path>` with the bearer token as JSON. A cached token the server refuses
   * (expired or revoked there) is replaced once; a fresh one it refuses is an AuthorizationError.
   */
  async get(path: string, headers: Record<string, string> = {}): Promise<unknown> {
    const cached = tokens.get(tokenKey(this.#auth));
    const usable = cached !== undefined && Date.now() < cached.expiresAt - EXPIRY_MARGIN_MS;
    const token = usable ? cached.token : await this.#authenticate();
    const first = await this.#request('GET', path, { ...headers, ...bearer(token) });
    if (first.status !== 401 || !usable) return this.#json(first, 'GET', path);
    tokens.delete(tokenKey(this.#auth));
    const renewed = await this.#authenticate();
    const second = await this.#request('GET', path, { ...headers, ...bearer(renewed) });
    return this.#json(second, 'GET', path);
  }

  /** POST /authentication with strategy `api-access`: `{accessToken, authentication.payload.exp}`. */
  async #authenticate(): Promise<Secret> {
    const body = JSON.stringify({
      strategy: 'api-access',
      user: this.#auth.user,
      'secret-key': new TextDecoder().decode(this.#auth.secretKey.reveal()),
    });
    const answer = await this.#request(
      'POST',
      'authentication',
      { 'content-type': 'application/json' },
      body,
    );
    const json = await this.#json(answer, 'POST', 'authentication');
    const accessToken = isMapping(json) ? json.accessToken : undefined;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new InvalidConfigError(
        `${this.#describe('POST', 'authentication')}: the answer has no accessToken string`,
      );
    }
    const authentication = isMapping(json) ? json.authentication : undefined;
    const payload = isMapping(authentication) ? authentication.payload : undefined;
    const exp = isMapping(payload) ? payload.exp : undefined;
    const token = new Secret(new TextEncoder().encode(accessToken));
    tokens.set(tokenKey(this.#auth), {
      token,
      expiresAt: typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY,
    });
    return token;
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const url = `${this.#auth.address}${API_PATH}/${path}`;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await this.#fetch(url, {
        method,
        headers: { accept: 'application/json', ...headers },
        body,
        signal,
        dispatcher: this.#dispatcher,
        redirect: 'error',
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (signal.aborted) {
        throw new ConnectionError(
          `${this.#describe(method, path)}: no answer within ${this.#timeoutMs} ms (configServer.timeoutMs)`,
          { cause: error, code: 'ETIMEDOUT', retriable: true },
        );
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.message ?? (error as Error).message;
      if (cause?.code !== undefined && UNTRUSTED_CERTIFICATE.test(cause.code)) {
        throw new ConnectionError(
          `${this.#describe(method, path)}: the server's TLS certificate is not trusted (${reason.replace(/; if the root CA.*$/, '')}); give its CA certificate as configServer.caCerts`,
          { cause: error, code: cause.code, retriable: false },
        );
      }
      throw new ConnectionError(`${this.#describe(method, path)}: ${reason}`, {
        cause: error,
        code: cause?.code,
        retriable: true,
      });
    }
  }

  async #json(
    answer: { status: number; text: string },
    method: string,
    path: string,
  ): Promise<unknown> {
    const what = this.#describe(method, path);
    // Upstream wants 201 from /authentication and 200 elsewhere; any 2xx is as good here.
    if (answer.status < 200 || answer.status > 299) {
      throw statusError(answer.status, what, answer.text);
    }
    try {
      return JSON.parse(answer.text);
    } catch (error) {
      throw new InvalidConfigError(`${what}: the answer is not JSON`, { cause: error });
    }
  }

  #describe(method: string, path: string): string {
    return `config server ${this.#auth.address}: ${method} ${API_PATH}/${path}`;
  }
}

function bearer(token: Secret): Record<string, string> {
  return { authorization: `Bearer ${token.revealText()}` };
}

/** The operating system's trusted CA certificates; none where Node cannot read them. */
function systemCertificates(): string[] {
  try {
    return getCACertificates('system');
  } catch {
    return [];
  }
}
