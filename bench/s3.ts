/**
 * S3 throughput at 1 KiB and 1 MiB: SINETStream's `type: s3` writer and reader against the
 * raw `@aws-sdk/client-s3` client doing the same requests (PutObject with the same window of
 * publishes in flight; ListObjectsV2 then one GetObject at a time, as our reader fetches),
 * on the Versity S3 Gateway (scripts/versitygw/setup.sh, 127.0.0.1:7070). The raw client's
 * GETs with the writer's window in flight show what a concurrent reader could reach.
 * `npx tsx bench/s3.ts`. Loopback only; every loop is bounded; the objects are deleted after.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { MessageReader, MessageWriter } from '../src/index.js';

const ENDPOINT = 'http://127.0.0.1:7070';
const BUCKET = 'sinetstream-test';
const CREDENTIALS = { accessKeyId: 'sinetstream', secretAccessKey: 'sinetstream-test-secret' };
const WINDOW = 16; // publishes (and raw concurrent GETs) in flight
const CASES = [
  { size: 1024, count: 500 },
  { size: 1024 * 1024, count: 40 },
];
const RUN = `bench-s3-${process.pid}-${Date.now()}`;

const client = new S3Client({
  region: 'us-east-1',
  endpoint: ENDPOINT,
  forcePathStyle: true,
  credentials: CREDENTIALS,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

function service(prefix: string) {
  return {
    noConfig: true,
    type: 's3',
    topic: 'bench',
    topics: 'bench',
    typeSpec: {
      endpoint_url: ENDPOINT,
      bucket: BUCKET,
      prefix,
      suffix: '.msg',
      name: 'minute',
      aws_access_key_id: CREDENTIALS.accessKeyId,
      aws_secret_access_key: CREDENTIALS.secretAccessKey,
      poll_interval_ms: 50,
    },
  } as const;
}

/** Seconds to run `count` calls of `call` with at most `window` in flight. */
async function timed(count: number, window: number, call: (i: number) => Promise<unknown>) {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: window }, lane));
  return (performance.now() - start) / 1000;
}

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) keys.push(object.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function rawGet(key: string): Promise<number> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body!.transformToByteArray()).length;
}

async function deleteUnder(prefix: string): Promise<void> {
  const keys = await listKeys(prefix);
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: batch } }));
  }
}

const rows = [['size', 'count', 'what', 'msg/s', 'MB/s']];
function report(size: number, count: number, what: string, seconds: number): void {
  const rate = count / seconds;
  rows.push([
    size >= 1024 * 1024 ? '1 MiB' : '1 KiB',
    String(count),
    what,
    rate.toFixed(0),
    ((rate * size) / 1e6).toFixed(1),
  ]);
}

try {
  for (const { size, count } of CASES) {
    const payload = new Uint8Array(size).fill(0x61);
    const ours = `${RUN}/ours-${size}`;
    const raw = `${RUN}/raw-${size}`;

    const writer = await new MessageWriter(service(ours)).open();
    report(size, count, 'publish: ours', await timed(count, WINDOW, () => writer.publish(payload)));
    await writer.close();
    const put = (i: number) =>
      client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `${raw}/bench/${String(i).padStart(6, '0')}`,
          Body: payload,
          Metadata: { sinetstream_timestamp: String(Date.now() * 1000) },
        }),
      );
    report(size, count, 'publish: raw PutObject', await timed(count, WINDOW, put));

    const start = performance.now();
    const reader = await new MessageReader(service(ours)).open();
    let received = 0;
    for await (const _message of reader) if (++received === count) break;
    await reader.close();
    report(size, count, 'receive: ours', (performance.now() - start) / 1000);

    const listStart = performance.now();
    const keys = await listKeys(`${raw}/`);
    for (const key of keys) await rawGet(key);
    report(
      size,
      count,
      'receive: raw List + Get, 1 at a time',
      (performance.now() - listStart) / 1000,
    );
    const parallelStart = performance.now();
    const listed = await listKeys(`${raw}/`);
    await timed(listed.length, WINDOW, (i) => rawGet(listed[i]!));
    report(
      size,
      count,
      `receive: raw List + Get, ${WINDOW} at a time`,
      (performance.now() - parallelStart) / 1000,
    );
  }
} finally {
  await deleteUnder(`${RUN}/`);
  client.destroy();
}

console.log(`S3 on versitygw ${ENDPOINT}, Node ${process.version}, ${WINDOW} publishes in flight`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 2 ? 40 : 8)).join(''));
