import { beforeAll } from 'vitest';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { requireS3, s3Service } from './support.js';

beforeAll(() => requireS3());

runConformanceSuite({
  name: 's3 on Versity S3 Gateway (scripts/versitygw/setup.sh)',
  service: s3Service('conformance'),
  features: {
    ordering: true,
    persistence: true,
    seek: true,
    // No consumer groups: every reader of a prefix reads every object under it.
    // Topic wildcards: only `*` (any topic), which the focused tests cover; the suite's
    // wildcard case wants topics that start with a prefix.
    // No restartBroker: the gateway keeps its objects on disk, and a reader polls, so a
    // restart is an outage the next poll gets past; not worth stopping a shared server for.
    //
    // The bucket keeps no per-reader position. A reader with start_from: beginning (the
    // default, as upstream) reads every object again, so one that takes over loses nothing
    // of what an earlier one left unfinished (and gets the finished ones again too).
    identity: () => ({ typeSpec: { start_from: 'beginning' } }),
    // At most max_unacked_messages objects are fetched and not yet settled.
    bufferSlack: 0,
    // User metadata (x-amz-meta-*): HTTP headers, so printable ASCII only.
    headers: 'ascii',
  },
});
