import {
  AuthorizationError,
  ConnectionError,
  PublishError,
  type SinetError,
} from '../../errors.js';

/** MQTT 5 reason codes that mean "not allowed" on PUBACK / PUBREC / SUBACK. */
const NOT_ALLOWED = new Set([135, 138]);

/** Our error for an acknowledgement MQTT.js reported as failed. */
export function operationError(error: Error, what: string): SinetError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const message = `mqtt: the broker refused ${what}: ${error.message} (reason code ${code})`;
    return NOT_ALLOWED.has(code)
      ? new AuthorizationError(message, { cause: error })
      : new PublishError(message, { cause: error });
  }
  return new ConnectionError(`mqtt: ${what} failed: ${error.message}`, { cause: error });
}
