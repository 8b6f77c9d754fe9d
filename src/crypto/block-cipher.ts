/** The AES primitives CMAC and EAX are built from, so one EAX serves Node and the browser. */
export interface BlockCipher {
  /** AES of one 16-byte block with the bound key (ECB); returns a new array. */
  encryptBlock(block: Uint8Array): Uint8Array;
  /** The last block of AES-CBC with a zero IV over whole blocks (CMAC's chaining). */
  cbcLastBlock(message: Uint8Array): Uint8Array;
  /** AES-CTR with the whole 128-bit block as counter, as EAX specifies and OpenSSL does. */
  ctr(initialCounter: Uint8Array, data: Uint8Array): Uint8Array;
}

/** Compares in time that depends only on the lengths, as a tag check must. */
export function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
