import { Agent } from 'node:https';
import type { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AuthorizationError, InvalidArgumentError, InvalidConfigError } from '../../errors.js';
import { classifyError, type SinetErrorClass } from '../../spi/errors.js';
import { paramsOf } from '../../spi/parameters.js';
import { nodeTlsOptions } from '../../spi/tls.js';
import type { PluginContext } from '../../spi/types.js';
import { S3_PARAMETERS, type S3Params } from './parameters.js';

/** S3 error codes by which the server refuses the credentials or the access. */
const REFUSED = new Set([
  'AccessDenied',
  'AccountProblem',
  'AllAccessDisabled',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'InvalidSecurity',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);
/** Codes by which the server asks to try later. */
const BUSY = new Set(['SlowDown', 'ServiceUnavailable', 'RequestTimeout', 'InternalError']);

/** The service's parameters, v1/v2's `s3:` block folded in, the required ones checked. */
export function s3Params(context: PluginContext): S3Params {
  const { s3: block, ...flat } = paramsOf(context, S3_PARAMETERS);
  const params = { ...flat, ...block };
  for (const key of ['bucket', 'prefix', 'suffix', 'name'] as const) {
    if (params[key] === undefined) {
      throw new InvalidArgumentError(
        `service "${context.service}": type s3 needs the parameter ${key} (type_spec.${key}, or s3.${key} in a v1/v2 file)`,
      );
    }
  }
  if (context.brokers.length > 0) {
    throw new InvalidArgumentError(
      `service "${context.service}": type s3 takes no brokers; give type_spec.endpoint_url`,
    );
  }
  if ((params.aws_access_key_id === undefined) !== (params.aws_secret_access_key === undefined)) {
    throw new InvalidArgumentError(
      `service "${context.service}": give both aws_access_key_id and aws_secret_access_key, or neither`,
    );
  }
  return params as S3Params;
}

/** The S3 error code the client read from the server's answer (`NoSuchBucket`...). */
function s3Code(error: unknown): string | undefined {
  const exception = error as Partial<S3ServiceException> | undefined;
  return exception?.$metadata === undefined ? undefined : exception.name;
}

function httpStatus(error: unknown): number | undefined {
  return (error as Partial<S3ServiceException> | undefined)?.$metadata?.httpStatusCode;
}

/** The SinetError for an S3 client's failure while doing `what`. */
export function s3Error(what: string, error: unknown, fallback?: SinetErrorClass) {
  const code = s3Code(error);
  const status = httpStatus(error);
  const refused = (code !== undefined && REFUSED.has(code)) || status === 401 || status === 403;
  const busy = (code !== undefined && BUSY.has(code)) || (status !== undefined && status >= 500);
  return classifyError({
    what,
    error,
    ...(code !== undefined && { code }),
    ...(refused && { kind: AuthorizationError }),
    ...(refused ? { retriable: false } : busy ? { retriable: true } : {}),
    ...(fallback && { fallback }),
  });
}

/** The agent for the common `tls` block and `verify`; none when both leave Node's defaults. */
function httpsAgent(
  context: PluginContext,
  params: S3Params,
  endpoint: URL | undefined,
): Agent | undefined {
  const { verify } = params;
  if (endpoint?.protocol === 'http:' || (context.tls === undefined && verify === true)) {
    return undefined;
  }
  const tls = context.tls ? nodeTlsOptions(context.tls, endpoint?.hostname) : {};
  return new Agent({
    ...tls,
    ...(verify instanceof Uint8Array && { ca: Buffer.from(verify) }),
    ...(verify === false && { rejectUnauthorized: false }),
    keepAlive: true,
  });
}

/** An S3 client for the service; `@aws-sdk/client-s3` is loaded on the first one. */
export async function createS3Client(context: PluginContext, params: S3Params): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = params.endpoint_url === undefined ? undefined : new URL(params.endpoint_url);
  const secret = params.aws_secret_access_key;
  const agent = httpsAgent(context, params, endpoint);
  return new S3Client({
    region: params.region_name ?? 'us-east-1',
    ...(endpoint && { endpoint: params.endpoint_url }),
    forcePathStyle: params.force_path_style ?? endpoint !== undefined,
    ...(params.aws_access_key_id !== undefined &&
      secret !== undefined && {
        credentials: {
          accessKeyId: params.aws_access_key_id,
          secretAccessKey: secret.revealText(),
          ...(params.aws_session_token && {
            sessionToken: params.aws_session_token.revealText(),
          }),
        },
      }),
    ...(agent && { requestHandler: { httpsAgent: agent } }),
    // Checksums beyond Content-MD5 are an AWS addition that S3-compatible servers may refuse.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Checks that the bucket is there and the credentials are taken, creating the bucket when
 * `create_bucket` asks: a missing bucket is an InvalidConfigError naming it.
 */
export async function prepareBucket(
  client: S3Client,
  params: S3Params,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const { CreateBucketCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { bucket } = params;
  try {
    // Not HeadBucket: its answers have no body, so no S3 error code to tell the user.
    await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }), {
      abortSignal: signal,
    });
    return;
  } catch (error) {
    if (s3Code(error) !== 'NoSuchBucket') throw s3Error(what, error);
    if (!params.create_bucket) {
      throw new InvalidConfigError(
        `${what}: bucket "${bucket}" does not exist${params.endpoint_url ? ` at ${params.endpoint_url}` : ''}; create it, or set create_bucket: true`,
        { cause: error, code: 'NoSuchBucket', retriable: false },
      );
    }
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: signal });
  } catch (error) {
    // Another reader or writer may have created it meanwhile.
    if (s3Code(error) !== 'BucketAlreadyOwnedByYou') throw s3Error(what, error);
  }
}
