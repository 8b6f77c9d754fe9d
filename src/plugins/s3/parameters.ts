import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const GRANULARITIES = ['day', 'hour', 'minute'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * The keys of SINETStream 1.10's `sinetstream-s3`: in a v3 file under `type_spec`, in a v1/v2
 * file under `s3` (see S3_PARAMETERS).
 */
const S3_SERVICE_PARAMETERS = {
  endpoint_url: {
    type: 'string',
    defaultText: "AWS's endpoint for `region_name`",
    description:
      'the S3 server, e.g. `http://127.0.0.1:7070`; `https://` uses the common `tls` block',
  },
  bucket: { type: 'string', defaultText: 'required', description: 'the bucket of the objects' },
  prefix: {
    type: 'string',
    defaultText: 'required',
    description: 'first part of every object key: `{prefix}/{topic}/...`',
  },
  suffix: {
    type: 'string',
    defaultText: 'required',
    description: 'end of every object name, e.g. `.msg`',
  },
  name: {
    type: { oneOf: GRANULARITIES },
    defaultText: 'required',
    description: 'folders by time: `YYYY/MM/DD`, `.../hh` or `.../hh/mm` of the message timestamp',
  },
  utc_offset: {
    type: 'string',
    role: 'writer',
    defaultText: "the writer machine's local time",
    description: 'time zone of the folders, e.g. `+0900`, `-05:30`, `Z`',
  },
  region_name: {
    type: 'string',
    defaultText: '`us-east-1`',
    description: 'AWS region (signs the requests)',
  },
  aws_access_key_id: {
    type: 'string',
    defaultText: 'the AWS SDK default chain',
    description: 'access key',
  },
  aws_secret_access_key: {
    type: 'secret',
    defaultText: 'the AWS SDK default chain',
    description: 'secret key',
  },
  aws_session_token: { type: 'secret', description: 'session token of temporary credentials' },
  verify: {
    type: { anyOf: ['boolean', 'file'] },
    default: true,
    description:
      '`false`: do not check the server certificate; a file path: CA bundle (PEM) to check it with',
  },
  force_path_style: {
    type: 'boolean',
    defaultText: 'true when `endpoint_url` is given',
    description: '`http://host/bucket/key` instead of `http://bucket.host/key`',
  },
  create_bucket: {
    type: 'boolean',
    default: false,
    description: 'create the bucket when it does not exist (else opening fails)',
  },
  poll_interval_ms: {
    type: 'number',
    role: 'reader',
    default: 1000,
    description: 'how often a reader lists the bucket for new objects',
  },
  start_from: {
    type: { oneOf: ['beginning', 'end'] },
    role: 'reader',
    default: 'beginning',
    description:
      '`beginning`: read the objects already there too (as upstream); `end`: only new ones',
  },
  use_ssl: {
    type: 'boolean',
    unsupported: 'SINETStream 1.10 does not pass it on either; the scheme of endpoint_url decides',
    description: "boto3's switch for TLS",
  },
  api_version: {
    type: 'string',
    unsupported: 'SINETStream 1.10 does not pass it on either',
    description: "boto3's S3 API version",
  },
  config: {
    type: 'any',
    unsupported: 'it is a botocore Config object, which a config file cannot give',
    description: "boto3's client settings object",
  },
} as const satisfies ParamDeclarations;

/** Every `type_spec` key of `type: s3`; docs/s3.md shows this table. */
export const S3_PARAMETERS = {
  ...S3_SERVICE_PARAMETERS,
  s3: {
    type: { block: S3_SERVICE_PARAMETERS },
    description: 'v1/v2 config files: the keys above in an `s3:` block, as upstream writes them',
  },
} as const satisfies ParamDeclarations;

type S3ServiceParams = ParamValues<typeof S3_SERVICE_PARAMETERS>;

/** The parameters with the required ones checked. */
export type S3Params = S3ServiceParams & {
  readonly bucket: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly name: Granularity;
};
