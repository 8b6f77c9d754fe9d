export { findConfigFile, loadConfigFromUrl, readConfigFile, searchedPaths } from './find.js';
export { InlineFiles } from './inline-files.js';
export {
  applyCommonTwins,
  type CompressionSettings,
  makeClientId,
  type ResolvedService,
  resolveService,
} from './resolve.js';
export { decryptServiceSecrets, defaultPrivateKeyPath, type SecretKeySource } from './secrets.js';
export {
  type ConfigDocument,
  parseConfigDocument,
  type ServiceDefinition,
  selectService,
} from './services.js';
export { toTlsSettings } from './tls.js';
export { EncryptedSecret, parseYaml } from './yaml.js';
