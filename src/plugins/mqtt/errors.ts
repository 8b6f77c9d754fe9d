import { AuthorizationError, PublishError, type SinetError } from '../../errors.js';
import { classifyError } from '../../spi/errors.js';

/** MQTT 5 reason codes that mean "not allowed" on PUBACK / PUBREC / SUBACK. */
const NOT_ALLOWED = new Set([135, 138]);
/**
 * MQTT 5 reason codes by which a broker says "not now": server unavailable, server busy,
 * quota exceeded, connection rate exceeded. Any other refusal stands.
 */
export const BUSY_CODES_V5 = new Set([136, 137, 151, 159]);

/** Our error for an acknowledgement MQTT.js reported as failed. */
export function operationError(error: Error, what: string): SinetError {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'number') return classifyError({ what: `mqtt: ${what} failed`, error });
  return classifyError({
    what: `mqtt: the broker refused ${what}`,
    error,
    code,
    kind: NOT_ALLOWED.has(code) ? AuthorizationError : PublishError,
    retriable: BUSY_CODES_V5.has(code),
    detail: `${error.message} (reason code ${code})`,
  });
}
