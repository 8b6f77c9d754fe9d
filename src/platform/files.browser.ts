/** Files, browser side: a page cannot read the user's files by path. */

function noFiles(path: string): Error {
  return new Error(
    `a browser cannot read files (${path}); give the value inline instead. For TLS, the ` +
      'browser makes the connection itself with its own trusted CAs and client certificates: ' +
      'use wss:// with no ca_certs, certfile or keyfile',
  );
}

/** Always rejects in a browser. */
export async function readBytesFile(path: string): Promise<Uint8Array> {
  throw noFiles(path);
}

/** Always rejects in a browser. */
export async function readTextFile(path: string): Promise<string> {
  throw noFiles(path);
}
