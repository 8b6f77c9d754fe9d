/**
 * Files, Node side. The browser build replaces this module with files.browser.ts, whose
 * functions refuse: a page has no file system to read keys, passwords or certificates from.
 */
import { readFile } from 'node:fs/promises';

/** The file's bytes. */
export async function readBytesFile(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** The file's text (UTF-8), verbatim. */
export async function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
