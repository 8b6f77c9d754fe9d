/**
 * The config server client in the browser: refused. It logs in with
 * ~/.config/sinetstream/auth.json and decrypts secrets with private_key.pem, files a page
 * cannot read.
 */

import { NoConfigError } from '../errors.js';
import type { KeyNeed } from './config-server.js';
import type { ConfigServerOptions } from './config-server-http.js';
import type { FoundConfig } from './find.js';

export type { KeyNeed };

/** Always rejects in a browser. */
export async function fetchServerConfig(
  name: string,
  _service: string | undefined,
  _keys: KeyNeed,
  _options: ConfigServerOptions,
): Promise<FoundConfig> {
  throw new NoConfigError(
    `config: "${name}" names a config on the SINETStream config server, which a browser cannot ` +
      'use (its login and secrets need ~/.config/sinetstream/auth.json and private_key.pem): ' +
      'give config as an object, e.g. from loadConfigFromUrl',
  );
}
