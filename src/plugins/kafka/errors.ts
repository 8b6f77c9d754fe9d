import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  SinetError,
} from '../../errors.js';

type ErrorClass = new (message: string, options?: { cause?: unknown }) => SinetError;

interface ClientError {
  code?: unknown;
  apiId?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  canRetry?: unknown;
}

/** Every error in the client's error tree (MultipleErrors nest the per-broker causes). */
function* walk(error: unknown, depth = 0): Generator<ClientError> {
  if (depth > 6 || typeof error !== 'object' || error === null) return;
  const e = error as ClientError;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* walk(inner, depth + 1);
  yield* walk(e.cause, depth + 1);
}

function classify(error: unknown): ErrorClass | undefined {
  let network = false;
  for (const e of walk(error)) {
    if (e.code === 'PLT_KFK_AUTHENTICATION') return AuthorizationError;
    if (typeof e.apiId === 'string') {
      if (/AUTHORIZATION_FAILED$|^SASL_AUTHENTICATION_FAILED$/.test(e.apiId))
        return AuthorizationError;
      if (e.apiId === 'INVALID_TOPIC_EXCEPTION') return InvalidArgumentError;
    }
    // Node's TLS errors (certificate not trusted, wrong host name) are connection failures.
    if (
      e.code === 'PLT_KFK_NETWORK' ||
      e.code === 'PLT_KFK_TIMEOUT' ||
      /CERT|SSL|TLS/.test(String(e.code))
    ) {
      network = true;
    }
  }
  return network ? ConnectionError : undefined;
}

/**
 * Turns a client error into the SinetError a user can act on: refused credentials or ACLs
 * become AuthorizationError, an unreachable or untrusted broker ConnectionError, anything else
 * `fallback`. The client's message is kept (it names brokers and topics, never secrets).
 */
export function translate(
  error: unknown,
  what: string,
  fallback: ErrorClass = SinetError,
): SinetError {
  if (error instanceof SinetError) return error;
  const kind = classify(error) ?? fallback;
  const detail = deepestMessage(error);
  return new kind(`${what}: ${detail}`, { cause: error });
}

/** The innermost message is the broker's or the socket's own words, the most useful one. */
function deepestMessage(error: unknown): string {
  let message = 'unknown error';
  for (const e of walk(error)) {
    if (typeof e.message === 'string' && e.message !== '') message = e.message;
  }
  return message;
}

/**
 * Whether a failure may pass by itself, so the operation is worth trying again: a connection
 * that broke, was refused or timed out (a broker restarting), or an error the broker marks
 * retriable (no leader during an election, not enough in-sync replicas, coordinator moving).
 * Refused credentials or ACLs, bad data and a closed client are final.
 */
export function transient(error: unknown): boolean {
  let passing = false;
  for (const e of walk(error)) {
    // The client's TimeoutError says canRetry: false, but a broker that stopped answering is
    // what a failover looks like from here.
    if (e.code === 'PLT_KFK_NETWORK' || e.canRetry === true) passing = true;
    else if (e.canRetry === false) return false;
  }
  return passing;
}
