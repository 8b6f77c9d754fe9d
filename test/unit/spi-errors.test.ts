import { describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  NotOpenError,
  PublishError,
  SinetError,
} from '../../src/index.js';
import { classifyError, errorChain } from '../../src/spi/index.js';

/** What Node throws for a refused connect to a name with an IPv6 and an IPv4 address. */
function dualStackRefused(port: number): AggregateError {
  const refused = (address: string) =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), { code: 'ECONNREFUSED' });
  return Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')], ''), {
    code: 'ECONNREFUSED',
  });
}

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('SinetError fields', () => {
  it('keeps code, retriable and cause in every subclass', () => {
    const cause = new Error('inner');
    for (const Kind of [SinetError, ConnectionError, AuthorizationError, PublishError]) {
      const error = new Kind('refused', { cause, code: 403, retriable: false });
      expect(error).toBeInstanceOf(SinetError);
      expect(error).toMatchObject({ message: 'refused', cause, code: 403, retriable: false });
    }
  });

  it('leaves them undefined when not given', () => {
    const error = new NotOpenError('not open');
    expect(error.code).toBeUndefined();
    expect(error.retriable).toBeUndefined();
    expect('cause' in error).toBe(false);
  });
});

describe('classifyError', () => {
  it('a refused connect is a retriable ConnectionError with the socket code and words', () => {
    const raw = dualStackRefused(1883);
    const error = classifyError({
      what: 'mqtt: cannot connect',
      error: raw,
      fallback: PublishError,
    });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', retriable: true, cause: raw });
    expect(error.message).toBe('mqtt: cannot connect: connect ECONNREFUSED 127.0.0.1:1883');
  });

  it('finds the socket code under a client error', () => {
    const raw = Object.assign(new Error('Connection closed'), {
      code: 'PLT_KFK_NETWORK',
      cause: socketError('ECONNRESET', 'read ECONNRESET'),
    });
    const error = classifyError({ what: 'kafka writer', error: raw, fallback: SinetError });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNRESET', retriable: true });
    expect(error.message).toBe('kafka writer: read ECONNRESET');
  });

  it('an untrusted broker certificate is a final ConnectionError, however the client flags it', () => {
    const raw = socketError(
      'SELF_SIGNED_CERT_IN_CHAIN',
      'self-signed certificate in certificate chain\n    at TLSSocket.onConnectSecure',
    );
    const error = classifyError({ what: 'amqps://b:5671', error: raw, retriable: true });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN', retriable: false });
    expect(error.message).toBe(
      'amqps://b:5671: TLS handshake failed: self-signed certificate in certificate chain',
    );
  });

  it('a client certificate the broker turns down is a final AuthorizationError', () => {
    const raw = socketError(
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'error:0A00045C:SSL routines::tlsv13 alert certificate required',
    );
    const error = classifyError({ what: 'mqtt: cannot connect', error: raw });
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ retriable: false });
    expect(error.message).toMatch(/rejected the client certificate: .*certificate required/);
  });

  it('an unknown host name is final', () => {
    const raw = socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid');
    expect(classifyError({ what: 'x', error: raw })).toMatchObject({
      name: 'ConnectionError',
      code: 'ENOTFOUND',
      retriable: false,
    });
  });

  it("takes the plugin's kind, code and words before the socket's", () => {
    const raw = Object.assign(new Error('Connection refused: Not authorized'), { code: 5 });
    const error = classifyError({
      what: 'mqtt: b refused the connection',
      error: raw,
      code: 5,
      kind: AuthorizationError,
      detail: 'not authorized (return code 5)',
    });
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ code: 5, retriable: false, cause: raw });
    expect(error.message).toBe('mqtt: b refused the connection: not authorized (return code 5)');
  });

  it('never marks refused credentials or a bad argument retriable', () => {
    for (const kind of [AuthorizationError, InvalidArgumentError]) {
      const error = classifyError({ what: 'x', error: new Error('no'), kind, retriable: true });
      expect(error.retriable).toBe(false);
    }
  });

  it("takes the plugin's retriable when the socket says nothing", () => {
    const raw = Object.assign(new Error('Server busy'), { code: 137 });
    const error = classifyError({ what: 'x', error: raw, code: 137, retriable: true });
    expect(error).toMatchObject({ name: 'ConnectionError', code: 137, retriable: true });
  });

  it("falls back to the operation's class and the innermost code and message", () => {
    const raw = Object.assign(new Error('Received response with error'), {
      code: 'PLT_KFK_RESPONSE',
      errors: [Object.assign(new Error('The broker is out of disk'), { code: 'PLT_KFK_PROTOCOL' })],
    });
    const error = classifyError({ what: 'kafka publish', error: raw, fallback: PublishError });
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: 'PLT_KFK_PROTOCOL', retriable: undefined });
    expect(error.message).toBe('kafka publish: The broker is out of disk');
  });

  it('passes a SinetError through unchanged', () => {
    const original = new PublishError('nacked', { retriable: true });
    expect(classifyError({ what: 'x', error: original, kind: AuthorizationError })).toBe(original);
  });

  it('words what is not an Error', () => {
    expect(classifyError({ what: 'x', error: 'closed' }).message).toBe('x: closed');
    expect(classifyError({ what: 'x', error: undefined }).message).toBe('x: unknown error');
    expect(classifyError({ what: 'x', error: {} }).message).toBe('x: unknown error');
  });
});

describe('errorChain', () => {
  it('walks causes and aggregated errors, outermost first', () => {
    const raw = dualStackRefused(5672);
    const wrapped = new Error('outer', { cause: raw });
    expect([...errorChain(wrapped)].map((e) => e.message)).toEqual([
      'outer',
      '',
      'connect ECONNREFUSED ::1:5672',
      'connect ECONNREFUSED 127.0.0.1:5672',
    ]);
  });

  it('stops at a bounded depth, so a cycle of causes ends', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    a.cause = { message: 'b', cause: a };
    const chain = [...errorChain(a)];
    expect(chain.length).toBeGreaterThan(2);
    expect(chain.length).toBeLessThan(10);
    expect(classifyError({ what: 'x', error: a }).message).toMatch(/^x: [ab]$/);
  });
});
