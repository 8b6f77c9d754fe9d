/**
 * The v3 packet: `DF 03 00 00`, the key version (uint16 big-endian; 0 = not encrypted), then
 * the payload. A buffer that is too short or lacks the marker is taken as v2, as upstream does.
 */
const MARKER = [0xdf, 0x03, 0x00, 0x00] as const;
const HEADER_LENGTH = 6;

export const KEY_VERSION_NONE = 0;

/** Bytes a buffer needs in front of a payload for `writeV3Header`. */
export const V3_HEADER_LENGTH = HEADER_LENGTH;

/** Writes the v3 header into the first V3_HEADER_LENGTH bytes of `out`. */
export function writeV3Header(out: Uint8Array, keyVersion: number): Uint8Array {
  out.set(MARKER, 0);
  out[4] = (keyVersion >>> 8) & 0xff;
  out[5] = keyVersion & 0xff;
  return out;
}

export function packV3(payload: Uint8Array, keyVersion: number): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + payload.length);
  out.set(payload, HEADER_LENGTH);
  return writeV3Header(out, keyVersion);
}

export interface UnpackedPacket {
  /** undefined when the buffer is not a v3 packet. */
  readonly keyVersion: number | undefined;
  readonly payload: Uint8Array;
}

export function unpackV3(bytes: Uint8Array): UnpackedPacket {
  if (
    bytes.length <= HEADER_LENGTH ||
    bytes[0] !== MARKER[0] ||
    bytes[1] !== MARKER[1] ||
    bytes[2] !== MARKER[2] ||
    bytes[3] !== MARKER[3]
  ) {
    return { keyVersion: undefined, payload: bytes };
  }
  return { keyVersion: (bytes[4]! << 8) | bytes[5]!, payload: bytes.subarray(HEADER_LENGTH) };
}
