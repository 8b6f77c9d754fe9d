/**
 * MQTT.js takes Node Buffers in Node; a browser has no Buffer, and its MQTT.js build takes
 * plain bytes. `asPayload` is a view, not a copy.
 */
export const asPayload: (bytes: Uint8Array) => Buffer =
  typeof Buffer === 'function'
    ? (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : (bytes) => bytes as Buffer;

/** The UTF-8 bytes of text, or a copy of bytes, as a payload. */
export function payloadOf(value: string | Uint8Array): Buffer {
  return asPayload(
    typeof value === 'string' ? new TextEncoder().encode(value) : Uint8Array.from(value),
  );
}
