import { randomUUID } from 'node:crypto';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  InvalidConfigError,
  MessageReader,
  MessageWriter,
} from '../../../src/index.js';
import {
  requireS3,
  S3_BUCKET,
  S3_CA,
  S3_ENDPOINT,
  S3_REFUSED_USER,
  S3_TLS_ENDPOINT,
  S3_USER,
  s3Service,
} from './support.js';

beforeAll(() => requireS3());

const admin = new S3Client({
  endpoint: S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: {
    accessKeyId: S3_USER.aws_access_key_id,
    secretAccessKey: S3_USER.aws_secret_access_key,
  },
});
afterAll(() => admin.destroy());

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

function configOf(service: Record<string, unknown>) {
  return { header: { version: 3 }, config: { s3: service } };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await admin.send(
    new ListObjectsV2Command({ Bucket: S3_BUCKET, Prefix: `${prefix}/` }),
  );
  return (page.Contents ?? []).map((object) => object.Key!);
}

/** A text writer of the config's `s3` service. */
const textWriter = (config: Record<string, unknown>, topic: string) =>
  new MessageWriter<string>({ service: 's3', config, topic, valueType: 'text' });

/** A text reader of the config's `s3` service that stops after 1.5 s of silence. */
const textReader = (config: Record<string, unknown>, topics: string) =>
  new MessageReader<string>({
    service: 's3',
    config,
    topics,
    valueType: 'text',
    receiveTimeoutMs: 1500,
  });

async function readAll<T>(reader: MessageReader<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const message of reader) values.push(message.value);
  return values;
}

describe('s3 objects as upstream lays them out', () => {
  it('names each object {prefix}/{topic}/{time folders}/{topic}-{uuid}-{seqno}{suffix} in utc_offset, with the timestamp in its metadata', async () => {
    const prefix = unique('layout');
    const config = configOf(s3Service(prefix, { name: 'hour', utc_offset: '+09:00' }));
    {
      await using writer = await textWriter(config, 'sensor-1').open();
      // 2023-11-14T22:13:20.123456Z is 2023-11-15 07:13 at +09:00.
      await writer.publish('first', { timestamp: 1_700_000_000.123456 });
      await writer.publish('second', { timestamp: 1_700_000_000.5 });
    }
    const keys = await keysUnder(prefix);
    expect(keys).toHaveLength(2);
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    for (const [index, key] of keys.sort().entries()) {
      expect(key).toMatch(
        new RegExp(`^${prefix}/sensor-1/2023/11/15/07/sensor-1-${uuid}-${index + 1}\\.msg$`),
      );
    }
    const head = await admin.send(new HeadObjectCommand({ Bucket: S3_BUCKET, Key: keys[0] }));
    expect(head.Metadata).toEqual({ timestamp: '1700000000123456' });
  });

  it('reads in publish order past seqno 9, which sorts before 10 as text', async () => {
    const prefix = unique('order');
    const config = configOf(s3Service(prefix));
    const sent = Array.from({ length: 25 }, (_, i) => `message ${i}`);
    {
      await using writer = await textWriter(config, 'ordered').open();
      for (const value of sent) await writer.publish(value);
    }
    await using reader = await textReader(config, 'ordered').open();
    expect(await readAll(reader)).toEqual(sent);
  });

  it('reads every topic under the prefix with topic *, and tells each message its topic', async () => {
    const prefix = unique('any');
    const config = configOf(s3Service(prefix));
    for (const topic of ['a', 'b']) {
      await using writer = await textWriter(config, topic).open();
      await writer.publish(`to ${topic}`);
    }
    await using reader = await textReader(config, '*').open();
    const received: string[] = [];
    for await (const message of reader) received.push(`${message.topic}: ${message.value}`);
    expect(received.sort()).toEqual(['a: to a', 'b: to b']);
  });

  it('skips objects that are not messages of its topics', async () => {
    const prefix = unique('foreign');
    const config = configOf(s3Service(prefix));
    for (const key of [`${prefix}/t/notes.txt`, `${prefix}/t/2026/01/01/00/00/t-x-1.other`]) {
      await admin.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: key, Body: 'x' }));
    }
    {
      await using writer = await textWriter(config, 't').open();
      await writer.publish('the message');
    }
    await using reader = await textReader(config, 't').open();
    expect(await readAll(reader)).toEqual(['the message']);
  });

  it('start_from: end reads only objects put after the reader opened; seekToBeginning reads them all', async () => {
    const prefix = unique('start');
    const config = configOf(s3Service(prefix, { start_from: 'end' }));
    await using writer = await textWriter(config, 't').open();
    await writer.publish('before');
    await using reader = await textReader(config, 't').open();
    await writer.publish('after');
    expect(await readAll(reader)).toEqual(['after']);
    await reader.seekToBeginning();
    expect(await readAll(reader)).toEqual(['before', 'after']);
  });

  it('takes a v2 config file with the parameters in an s3: block, as upstream writes it', async () => {
    const prefix = unique('v2');
    const { type_spec: spec } = s3Service(prefix);
    const config = { header: { version: 2 }, config: { s3: { type: 's3', s3: spec } } };
    {
      await using writer = await textWriter(config, 't').open();
      await writer.publish('from a v2 file');
    }
    await using reader = await textReader(config, 't').open();
    expect(await readAll(reader)).toEqual(['from a v2 file']);
  });
});

describe('s3 failures a user sees', () => {
  it('wrong secret: AuthorizationError with the S3 code, not retriable', async () => {
    const config = configOf(s3Service(unique('auth'), { aws_secret_access_key: 'wrong' }));
    const opening = new MessageWriter({ service: 's3', config, topic: 't' }).open();
    await expect(opening).rejects.toBeInstanceOf(AuthorizationError);
    await expect(opening).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      retriable: false,
    });
  });

  it('a user without access to the bucket: AuthorizationError for the reader and the writer', async () => {
    const config = configOf(s3Service(unique('refused'), S3_REFUSED_USER));
    const writing = new MessageWriter({ service: 's3', config, topic: 't' }).open();
    await expect(writing).rejects.toBeInstanceOf(AuthorizationError);
    const reading = new MessageReader({ service: 's3', config, topics: 't' }).open();
    await expect(reading).rejects.toBeInstanceOf(AuthorizationError);
    await expect(reading).rejects.toMatchObject({ retriable: false });
  });

  it('a missing bucket: InvalidConfigError naming it, or created with create_bucket: true', async () => {
    const bucket = unique('sinetstream-missing');
    const config = configOf(s3Service('p', { bucket }));
    const opening = new MessageReader({ service: 's3', config, topics: 't' }).open();
    await expect(opening).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(opening).rejects.toMatchObject({
      code: 'NoSuchBucket',
      message: expect.stringContaining(`"${bucket}"`),
    });

    const creating = configOf(s3Service('p', { bucket, create_bucket: true }));
    {
      await using writer = await new MessageWriter<string>({
        service: 's3',
        config: creating,
        topic: 't',
        valueType: 'text',
      }).open();
      await writer.publish('into a new bucket');
      await using reader = await new MessageReader<string>({
        service: 's3',
        config: creating,
        topics: 't',
        valueType: 'text',
        receiveTimeoutMs: 1500,
      }).open();
      expect(await readAll(reader)).toEqual(['into a new bucket']);
    }
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of page.Contents ?? []) {
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
  });

  it('refuses brokers, a missing required parameter and a bad utc_offset by name', async () => {
    const { type_spec: spec } = s3Service('p');
    const { suffix: _suffix, ...withoutSuffix } = spec;
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 's3', brokers: '127.0.0.1:7070', type_spec: spec }, 'endpoint_url'],
      [{ type: 's3', type_spec: withoutSuffix }, 'suffix'],
      [{ type: 's3', type_spec: { ...spec, utc_offset: '9 hours' } }, 'utc_offset'],
    ];
    for (const [service, named] of cases) {
      const opening = new MessageWriter({ service: 's3', config: configOf(service), topic: 't' });
      await expect(opening.open()).rejects.toThrow(InvalidArgumentError);
      await expect(
        new MessageWriter({ service: 's3', config: configOf(service), topic: 't' }).open(),
      ).rejects.toThrow(named);
    }
  });
});

describe('s3 over https', () => {
  beforeAll(() => requireS3(S3_TLS_ENDPOINT));

  it('writes and reads through an https endpoint whose CA the tls block names', async () => {
    const prefix = unique('tls');
    const config = configOf({
      ...s3Service(prefix, { endpoint_url: S3_TLS_ENDPOINT }),
      tls: { ca_certs: S3_CA },
    });
    {
      await using writer = await textWriter(config, 'sensor').open();
      await writer.publish('over TLS');
    }
    await using reader = await textReader(config, 'sensor').open();
    expect(await readAll(reader)).toEqual(['over TLS']);
    // The same folders behind both gateways: the plain endpoint sees what went over TLS.
    expect(await keysUnder(prefix)).toHaveLength(1);
  });

  it('an https endpoint whose certificate nothing trusts: ConnectionError naming the certificate', async () => {
    const config = configOf(s3Service(unique('untrusted'), { endpoint_url: S3_TLS_ENDPOINT }));
    const opening = new MessageWriter({ service: 's3', config, topic: 't' }).open();
    await expect(opening).rejects.toBeInstanceOf(ConnectionError);
    await expect(opening).rejects.toThrow(/certificate/i);
  });
});
