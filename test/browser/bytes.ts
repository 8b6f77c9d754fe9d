/** Base64 and hex in the browser, where there is no Buffer. */

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parameters from their JSON form ({$binary} for bytes) back to what the API takes. */
export function fromJson(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(fromJson);
  if (typeof x === 'object' && x !== null) {
    const entries = Object.entries(x);
    if (entries.length === 1 && entries[0]![0] === '$binary') {
      return fromBase64(entries[0]![1] as string);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, fromJson(v)]));
  }
  return x;
}
