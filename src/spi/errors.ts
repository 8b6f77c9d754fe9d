import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  SinetError,
  type SinetErrorCode,
  type SinetErrorOptions,
} from '../errors.js';

/** A SinetError subclass, as `classifyError` takes the kind to make. */
export type SinetErrorClass = new (message: string, options?: SinetErrorOptions) => SinetError;

/** What a plugin knows of a failure, for `classifyError`. */
export interface ErrorReport {
  /** What failed, as the message starts: `kafka writer for topic "t"`. */
  what: string;
  /** The client's error; it becomes the `cause`. */
  error: unknown;
  /** The broker's reason code, read from where the plugin's client keeps it. */
  code?: SinetErrorCode;
  /** The plugin's reading of its client's error; beats what the socket says. */
  kind?: SinetErrorClass;
  /** The plugin's or the broker's word on whether trying again may succeed. */
  retriable?: boolean;
  /** The class when neither the plugin nor the socket tell: the operation's own. */
  fallback?: SinetErrorClass;
  /** The reason in the plugin's words, when it has better ones than the client's message. */
  detail?: string;
  /**
   * Where the client was connecting when it failed: the message then names the address and
   * the broker type, and says what most likely went wrong.
   */
  connecting?: ConnectTarget;
}

/** A broker a client was connecting to. */
export interface ConnectTarget {
  /** The service type: `kafka`, `mqtt`... */
  type: string;
  /** As the user wrote it or as a URL: `127.0.0.1:9092`, `mqtts://host:8883`. */
  address: string;
  /** Whether the client spoke TLS. */
  tls: boolean;
}

/**
 * Client errors nest a few levels (an aggregate of per-broker errors, each with its socket
 * cause); the bound keeps a cyclic `cause` from hanging the walk.
 */
const MAX_DEPTH = 6;

/** The error and every error under it (`cause`, AggregateError `errors`), outermost first. */
export function* errorChain(error: unknown): Generator<Readonly<Record<string, unknown>>> {
  function* walk(node: unknown, depth: number): Generator<Readonly<Record<string, unknown>>> {
    if (depth > MAX_DEPTH || typeof node !== 'object' || node === null) return;
    const fields = node as Readonly<Record<string, unknown>>;
    yield fields;
    if (Array.isArray(fields.errors)) {
      for (const inner of fields.errors) yield* walk(inner, depth + 1);
    }
    yield* walk(fields.cause, depth + 1);
  }
  yield* walk(error, 0);
}

/** Node's socket failures that time may mend: the broker is down, restarting or out of reach. */
const SOCKET_PASSING = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);
/** A host name that does not resolve is most often a typo, which waiting will not fix. */
const NAME_UNKNOWN = 'ENOTFOUND';
/** TLS alerts by which a broker turns down the client's certificate (or its absence). */
const CLIENT_CERT_REJECTED =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN)/;
/** The broker's certificate is not trusted, or the two ends agree on no TLS. */
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_)/;

interface SocketFailure {
  kind: SinetErrorClass;
  code: string;
  retriable: boolean;
  /** Put before the socket's message, which names the TLS failure but not that it is one. */
  phrase?: string;
}

function socketFailure(error: unknown): SocketFailure | undefined {
  for (const node of errorChain(error)) {
    const code = node.code;
    if (typeof code !== 'string') continue;
    if (SOCKET_PASSING.has(code)) return { kind: ConnectionError, code, retriable: true };
    if (code === NAME_UNKNOWN) return { kind: ConnectionError, code, retriable: false };
    if (CLIENT_CERT_REJECTED.test(code)) {
      const phrase = 'the broker rejected the client certificate';
      return { kind: AuthorizationError, code, retriable: false, phrase };
    }
    if (TLS_FAILURE.test(code)) {
      return { kind: ConnectionError, code, retriable: false, phrase: 'TLS handshake failed' };
    }
  }
  return undefined;
}

/** Refused credentials or ACLs, and bad arguments, stay so however long one waits. */
function isFinal(kind: SinetErrorClass): boolean {
  return [AuthorizationError, InvalidArgumentError].some(
    (final) => kind === final || kind.prototype instanceof final,
  );
}

/** The innermost code is the most specific: the socket's under the client's. */
function deepestCode(error: unknown): SinetErrorCode | undefined {
  let deepest: SinetErrorCode | undefined;
  for (const node of errorChain(error)) {
    if (typeof node.code === 'string' || typeof node.code === 'number') deepest = node.code;
  }
  return deepest;
}

/** OpenSSL's `<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:`: the reason is what reads. */
const OPENSSL_LINE = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):.*$/;

/**
 * The innermost message is the broker's or the socket's own words, the most useful one
 * (an AggregateError of a refused dual-stack connect has none of its own). OpenSSL appends
 * where in its source it failed, on further lines.
 */
function deepestMessage(error: unknown): string {
  let message: string | undefined;
  for (const node of errorChain(error)) {
    if (typeof node.message === 'string' && node.message !== '') message = node.message;
  }
  if (message === undefined) {
    return error === undefined || error === null || typeof error === 'object'
      ? 'unknown error'
      : String(error);
  }
  return message.replace(/\n[\s\S]*$/, '').replace(OPENSSL_LINE, '$1');
}

/** The peer hung up, or what it sent was not the protocol: the socket's and the clients' words. */
const HUNG_UP = new Set(['ECONNRESET', 'EPIPE', 'PLT_KFK_NETWORK']);
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|before secure TLS/i;
const CLOSED = /closed|disconnected|ECONNRESET|socket hang up/i;

/** What most likely went wrong connecting to `target`, from the socket's code and message. */
function likelyCause(error: unknown, target: ConnectTarget): string | undefined {
  const { type, address, tls } = target;
  const codes = [...errorChain(error)].map((node) => node.code).filter((c) => c !== undefined);
  const messages = [...errorChain(error)].map((node) => String(node.message ?? ''));
  if (codes.includes('ECONNREFUSED')) {
    return `nothing is listening at ${address}: is the ${type} broker running, and is this its port?`;
  }
  if (codes.includes(NAME_UNKNOWN)) {
    return `the host name in ${address} does not resolve: a typo, or a placeholder such as "broker" to replace with your broker's host?`;
  }
  if (codes.includes('ETIMEDOUT') || codes.includes('EHOSTUNREACH')) {
    return `no answer from ${address}: a wrong address, or a firewall in between?`;
  }
  const hungUp =
    codes.some((code) => typeof code === 'string' && HUNG_UP.has(code)) ||
    messages.some((message) => CLOSED.test(message));
  if (tls && (messages.some((message) => NOT_TLS.test(message)) || hungUp)) {
    return `TLS is on, and ${address} does not speak TLS: is it a plaintext port? (turn tls off, or use the broker's TLS port)`;
  }
  if (hungUp) {
    return `${address} closed the connection: is ${type} really what listens there? (another broker's port, or a port that expects TLS, does this)`;
  }
  return undefined;
}

/**
 * The SinetError for a client's failure, with the reason code and whether it may pass. The
 * plugin's reading (`kind`, `code`, `retriable`) comes first; then the socket's: refused, reset
 * or timed-out connections are ConnectionError and retriable, an untrusted broker
 * certificate or an unknown host name a final ConnectionError, a rejected client certificate
 * an AuthorizationError. What is final (refused credentials, bad arguments, TLS) is never
 * marked retriable.
 * A SinetError passes through unchanged. Messages are the clients' own, which name brokers
 * and topics, never secrets.
 */
export function classifyError(report: ErrorReport): SinetError {
  const { error } = report;
  if (error instanceof SinetError) return error;
  const socket = socketFailure(error);
  const kind = report.kind ?? socket?.kind ?? report.fallback ?? ConnectionError;
  const detail =
    report.detail ??
    (socket?.phrase ? `${socket.phrase}: ${deepestMessage(error)}` : deepestMessage(error));
  const target = report.connecting;
  const cause = target && likelyCause(error, target);
  const message = target
    ? `${report.what}: cannot connect to the ${target.type} broker at ${target.address}${target.tls ? ' (TLS)' : ''}: ${detail}${cause ? `. ${cause}` : ''}`
    : `${report.what}: ${detail}`;
  return new kind(message, {
    cause: error,
    code: report.code ?? socket?.code ?? deepestCode(error),
    // A certificate stays untrusted whatever a client's retry flag says.
    retriable:
      isFinal(kind) || socket?.retriable === false
        ? false
        : (report.retriable ?? socket?.retriable),
  });
}
