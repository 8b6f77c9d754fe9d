/**
 * Every error SINETStream raises is a SinetError. The subclass names are the ones the Python
 * and Java SINETStream use, so users of either recognise them.
 */
export class SinetError extends Error {
  override name = 'SinetError';
  /**
   * The reason code, when the broker or the client gave one: an MQTT reason code (5, 135...),
   * a Kafka error name (`TOPIC_AUTHORIZATION_FAILED`), an AMQP 0.9.1 reply code (403), an
   * AMQP 1.0 condition (`amqp:unauthorized-access`) or a socket's (`ECONNREFUSED`).
   */
  readonly code?: SinetErrorCode;
  /**
   * Whether trying again later may succeed (a broker that is down, restarting or busy), or
   * not (refused credentials or ACLs, bad arguments, a closed client). Absent when unknown.
   */
  readonly retriable?: boolean;

  constructor(message: string, options: SinetErrorOptions = {}) {
    const { code, retriable, ...errorOptions } = options;
    super(message, errorOptions);
    this.code = code;
    this.retriable = retriable;
  }
}

/** A broker's or socket's reason code: MQTT reason code, Kafka error name, AMQP reply code or condition, `ECONNREFUSED`... */
export type SinetErrorCode = string | number;

/** What a SinetError may carry besides its message. */
export interface SinetErrorOptions {
  cause?: unknown;
  code?: SinetErrorCode;
  retriable?: boolean;
}

/** No config file was found, or the one found cannot be read or parsed. */
export class NoConfigError extends SinetError {
  override name = 'NoConfigError';
}

/** The requested service is not defined in the config file. */
export class NoServiceError extends SinetError {
  override name = 'NoServiceError';
}

/** An argument or a config value is not acceptable. */
export class InvalidArgumentError extends SinetError {
  override name = 'InvalidArgumentError';
}

/** No broker plugin is registered for the service's `type`. */
export class UnsupportedServiceTypeError extends SinetError {
  override name = 'UnsupportedServiceTypeError';
}

/** The broker could not be reached, or the connection broke. */
export class ConnectionError extends SinetError {
  override name = 'ConnectionError';
}

/** `open()` was called on a reader or writer that is already open. */
export class AlreadyConnectedError extends SinetError {
  override name = 'AlreadyConnectedError';
}

/** A received message is not a valid SINETStream message (bad envelope, bad ciphertext...). */
export class InvalidMessageError extends SinetError {
  override name = 'InvalidMessageError';
}

/** The broker refused the credentials, or the operation on this topic. */
export class AuthorizationError extends SinetError {
  override name = 'AuthorizationError';
}

/** The operation is not supported by this broker plugin (e.g. seek on MQTT). */
export class UnsupportedOperationError extends SinetError {
  override name = 'UnsupportedOperationError';
}

/** A reader or writer was used before `open()` or after `close()`. */
export class NotOpenError extends SinetError {
  override name = 'NotOpenError';
}

/** A publish was refused by the broker (negative acknowledgement, unroutable...). */
export class PublishError extends SinetError {
  override name = 'PublishError';
}

/**
 * A config file or value cannot be used as written: a malformed file (not a mapping, a header
 * without a config section, header.version other than 2 or 3) or a value such as an
 * encrypted one that does not decrypt.
 */
export class InvalidConfigError extends SinetError {
  override name = 'InvalidConfigError';
}

/** The InvalidMessageError for a message that inflates beyond `max_message_size`. */
export function messageTooLarge(maxSize: number, cause?: unknown): InvalidMessageError {
  return new InvalidMessageError(
    `message decompresses to more than max_message_size (${maxSize} bytes)`,
    { cause },
  );
}
