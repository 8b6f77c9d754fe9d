import type { BrokerPlugin } from '../../spi/types.js';
import { S3_PARAMETERS } from './parameters.js';
import { S3Reader } from './reader.js';
import { S3Writer } from './writer.js';

export type { S3ObjectInfo } from './reader.js';

/**
 * `type: s3`: messages as objects in an S3 bucket, laid out as SINETStream 1.10's
 * `sinetstream-s3` lays them out, so either side reads the other's. See docs/s3.md for every
 * `type_spec` key.
 */
export const plugin: BrokerPlugin = {
  type: 's3',
  parameters: S3_PARAMETERS,
  // User metadata travels as HTTP headers: printable ASCII, names folded to lower case.
  headers: 'ascii',
  createWriter: (context) => new S3Writer(context),
  createReader: (context) => new S3Reader(context),
};
