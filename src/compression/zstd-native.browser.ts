import type { ZstdBackend } from './zstd-backend.js';

/** A browser has no native zstd: zstd.ts falls back to zstd-wasm, loaded on first use. */
export const nativeZstd: ZstdBackend | undefined = undefined;
