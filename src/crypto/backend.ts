/**
 * The crypto seam, Node side: OpenSSL through node:crypto. The browser build replaces this
 * module with backend.browser.ts (same exports); nothing else in src/crypto touches a
 * platform API.
 */
import type { KeyObject } from 'node:crypto';

export { randomBytes } from 'node:crypto';
export { deriveKey } from './keys.js';
export { MODE_SPECS } from './modes.js';

/** An AES key as this platform holds it. */
export type AesKey = KeyObject;
