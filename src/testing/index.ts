/**
 * `sinetstream/testing`: the conformance suite every broker plugin runs against its real
 * server, driven through the public API. Needs vitest (a peer dependency of this entry).
 */
export {
  type ConformanceFeatures,
  type ConformanceOptions,
  runConformanceSuite,
} from './conformance.js';
export type { BufferSlack, ReaderIdentity } from './contract.js';
export {
  createReaderContext,
  createWriterContext,
  type PluginContextInput,
} from './plugin-context.js';
