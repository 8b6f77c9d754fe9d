/**
 * A test fixture (not a product): a SINETStream config server speaking the protocol
 * upstream 1.10's config client uses, over HTTP or HTTPS, with knobs to make it expire
 * tokens, answer with an error, garbage, or not in time.
 */

import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { publicKeyFingerprint } from '../../src/config/config-server.js';
import { sealSecret } from '../fixtures/seal-secret.js';

export interface ServerConfigEntry {
  /** `{header: {version}, config: {service: {...}}}` */
  readonly config: Record<string, unknown>;
  readonly attachments?: ReadonlyArray<{ target: string; value: Uint8Array | string }>;
  /** A single secret (`id`), or versions of one (`ids`). */
  readonly secrets?: ReadonlyArray<
    | { target: string; id: string }
    | { target: string; ids: ReadonlyArray<{ id: string; version: number }> }
  >;
}

/** What a route answers instead of the protocol's answer, once. */
export interface Override {
  readonly status: number;
  readonly body: string;
}

export class ConfigServerFixture {
  readonly user = 'alice';
  readonly secretKey = `key-${randomUUID()}`;
  readonly configs = new Map<string, ServerConfigEntry>();
  readonly secrets = new Map<string, { target: string; plaintext: Uint8Array | string }>();
  /** Every request as `METHOD /path`, in order. */
  readonly requests: string[] = [];
  /** The `SINETStream-config-publickey` header of each secret request. */
  readonly fingerprintsSeen: string[] = [];
  /** Seconds a new token lives (the `exp` the answer gives). */
  tokenLifetimeSec = 3600;
  /** Milliseconds to wait before answering. */
  delayMs = 0;
  /** Path prefix -> answer given once instead of the protocol's. */
  readonly overrides = new Map<string, Override>();
  readonly #tokens = new Set<string>();
  readonly #server: Server;
  readonly #publicKey: KeyObject;
  readonly #scheme: string;

  private constructor(server: Server, publicKey: KeyObject, scheme: string) {
    this.#server = server;
    this.#publicKey = publicKey;
    this.#scheme = scheme;
  }

  /** `tls`: the server's certificate and key (PEM); plain HTTP without. */
  static async start(
    publicKey: KeyObject,
    tls?: { cert: Buffer; key: Buffer },
  ): Promise<ConfigServerFixture> {
    let fixture: ConfigServerFixture | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      fixture!.#handle(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500).end(`fixture failed: ${error.message}`);
      });
    const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
    fixture = new ConfigServerFixture(server, publicKey, tls ? 'https' : 'http');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fixture;
  }

  get address(): string {
    const host = this.#scheme === 'https' ? 'localhost' : '127.0.0.1';
    return `${this.#scheme}://${host}:${(this.#server.address() as AddressInfo).port}`;
  }

  get authentications(): number {
    return this.requests.filter((r) => r === 'POST /api/v1/authentication').length;
  }

  /** Writes `auth.json` for this server into `dir` and returns its path. */
  writeAuthFile(dir: string, secretKey = this.secretKey): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'auth.json');
    const server = { address: this.address, user: this.user, 'secret-key': secretKey };
    writeFileSync(path, JSON.stringify({ 'config-server': server }));
    return path;
  }

  /** The server forgets every token it gave, as when they expire there. */
  expireTokens(): void {
    this.#tokens.clear();
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '';
    this.requests.push(`${req.method} ${path}`);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (res.destroyed) return;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const override = [...this.overrides].find(([prefix]) => path.startsWith(prefix));
    if (override) {
      this.overrides.delete(override[0]);
      send(override[1].status, override[1].body);
      return;
    }
    if (req.method === 'POST' && path === '/api/v1/authentication') {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>;
      if (
        body.strategy !== 'api-access' ||
        body.user !== this.user ||
        body['secret-key'] !== this.secretKey
      ) {
        send(401, { name: 'NotAuthenticated', message: 'Invalid login', code: 401 });
        return;
      }
      const token = randomUUID();
      this.#tokens.add(token);
      const exp = Math.floor(Date.now() / 1000) + this.tokenLifetimeSec;
      send(201, {
        accessToken: token,
        authentication: { strategy: 'api-access', payload: { exp } },
      });
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (req.method !== 'GET' || token === undefined || !this.#tokens.has(token)) {
      send(401, { name: 'NotAuthenticated', message: 'jwt expired', code: 401 });
      return;
    }
    const config = /^\/api\/v1\/configs\/([^/]+)$/.exec(path);
    if (config) {
      const name = decodeURIComponent(config[1]!);
      const entry = this.configs.get(name);
      if (!entry) send(404, { name: 'NotFound', message: `No record found for id '${name}'` });
      else send(200, this.#configAnswer(name, entry));
      return;
    }
    const secret = /^\/api\/v1\/secrets\/([^/]+)$/.exec(path);
    const stored = secret && this.secrets.get(decodeURIComponent(secret[1]!));
    if (!secret || !stored) {
      send(404, { name: 'NotFound', message: 'No record found' });
      return;
    }
    const fingerprint = String(req.headers['sinetstream-config-publickey'] ?? '');
    this.fingerprintsSeen.push(fingerprint);
    const ours = publicKeyFingerprint(this.#publicKey);
    if (fingerprint !== ours) {
      send(400, { name: 'BadRequest', message: 'no such public key' });
      return;
    }
    send(200, {
      id: decodeURIComponent(secret[1]!),
      target: stored.target,
      value: sealSecret(stored.plaintext, this.#publicKey),
      fingerprint: ours,
    });
  }

  #configAnswer(name: string, entry: ServerConfigEntry) {
    return {
      name,
      config: entry.config,
      attachments: (entry.attachments ?? []).map(({ target, value }) => ({
        target,
        value: Buffer.from(value).toString('base64'),
      })),
      secrets: entry.secrets ?? [],
    };
  }
}
