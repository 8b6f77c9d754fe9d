import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  SinetError,
} from '../../errors.js';
import {
  type ConnectTarget,
  classifyError,
  errorChain,
  type SinetErrorClass,
} from '../../spi/errors.js';

/** What the client's codes and the broker's error names (`apiId`) tell of the failure. */
function kafkaKind(error: unknown): SinetErrorClass | undefined {
  for (const e of errorChain(error)) {
    if (e.code === 'PLT_KFK_AUTHENTICATION') return AuthorizationError;
    if (typeof e.apiId === 'string') {
      if (/AUTHORIZATION_FAILED$|^SASL_AUTHENTICATION_FAILED$/.test(e.apiId))
        return AuthorizationError;
      if (e.apiId === 'INVALID_TOPIC_EXCEPTION') return InvalidArgumentError;
    }
  }
  return undefined;
}

/** The client's network and timeout errors, whatever socket error they wrap. */
function lostBroker(error: unknown): boolean {
  for (const e of errorChain(error)) {
    if (e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') return true;
  }
  return false;
}

/** The broker's name for the error (`TOPIC_AUTHORIZATION_FAILED`), when it answered with one. */
function brokerCode(error: unknown): string | undefined {
  for (const e of errorChain(error)) if (typeof e.apiId === 'string') return e.apiId;
  return undefined;
}

/**
 * Turns a client error into the SinetError a user can act on: refused credentials or ACLs
 * become AuthorizationError, an unreachable or untrusted broker ConnectionError, anything else
 * `fallback`; its `code` is the broker's error name, or the client's or socket's code.
 */
export function translate(
  error: unknown,
  what: string,
  fallback: SinetErrorClass = SinetError,
  connecting?: ConnectTarget,
): SinetError {
  return classifyError({
    what,
    error,
    connecting,
    code: brokerCode(error),
    kind: kafkaKind(error),
    retriable: retriable(error),
    fallback: lostBroker(error) ? ConnectionError : fallback,
  });
}

/**
 * Whether a failure may pass by itself, so the operation is worth trying again: a connection
 * that broke, was refused or timed out (a broker restarting), or an error the broker marks
 * retriable (no leader during an election, not enough in-sync replicas, coordinator moving).
 * Refused credentials or ACLs, bad data and a closed client are final.
 */
export function retriable(error: unknown): boolean {
  let passing = false;
  for (const e of errorChain(error)) {
    // The client's TimeoutError says canRetry: false, but a broker that stopped answering is
    // what a failover looks like from here.
    if (e.code === 'PLT_KFK_NETWORK' || e.canRetry === true) passing = true;
    else if (e.canRetry === false) return false;
  }
  return passing;
}
