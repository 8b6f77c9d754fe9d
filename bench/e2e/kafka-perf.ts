/**
 * Kafka's own limit: the producer and consumer perf tools (org.apache.kafka.tools, the
 * kafka-tools jar, fetched from Maven Central with bench/kafka-perf/pom.xml on first use,
 * as scripts/kafka/setup.sh fetches the broker).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Consistency, Target } from './targets.js';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url).pathname;
const BROKERS_DIR = process.env.SINETSTREAM_BROKERS_DIR ?? `${REPO}.brokers`;
const LIBS = `${BROKERS_DIR}/kafka-perf/libs`;
const LOG4J = `${REPO}scripts/kafka/tools-log4j.properties`;

export interface ToolRate {
  messages: number;
  msgPerSecond: number;
}

/** The kafka-tools jars, fetched once (Maven's cache is the broker's). */
export async function fetchKafkaTools(): Promise<void> {
  if (existsSync(`${LIBS}/.complete`)) return;
  mkdirSync(LIBS, { recursive: true });
  await run('mvn', [
    '-B',
    '-q',
    '-f',
    `${REPO}bench/kafka-perf/pom.xml`,
    `-Dmaven.repo.local=${BROKERS_DIR}/kafka/m2`,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${LIBS}`,
  ]);
  writeFileSync(`${LIBS}/.complete`, '');
}

function java(main: string, args: string[]): Promise<{ stdout: string }> {
  return run(
    'java',
    ['-Xmx512m', `-Dlog4j.configuration=file:${LOG4J}`, '-cp', `${LIBS}/*`, main, ...args],
    { maxBuffer: 16 * 2 ** 20 },
  );
}

/**
 * ProducerPerformance: `count` records of `size` bytes, no throughput cap, acks as our
 * writer sets them (0 at AT_MOST_ONCE, all otherwise); its own summary line.
 */
export async function producerPerf(
  target: Target,
  consistency: Consistency,
  topic: string,
  size: number,
  count: number,
): Promise<ToolRate> {
  const acks = consistency === 'AT_MOST_ONCE' ? '0' : 'all';
  const { stdout } = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(count),
    '--record-size',
    String(size),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${target.host}:${target.port}`,
    `acks=${acks}`,
  ]);
  // "N records sent, X records/sec (Y MB/sec), ..." is the last line.
  const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    stdout.trim().split('\n').at(-1) ?? '',
  );
  if (!summary) throw new Error(`ProducerPerformance printed no summary:\n${stdout}`);
  return { messages: Number(summary[1]), msgPerSecond: Number(summary[2]) };
}

/** ConsumerPerformance: reads `count` records of `topic` from the beginning. */
export async function consumerPerf(
  target: Target,
  topic: string,
  count: number,
): Promise<ToolRate> {
  const { stdout } = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    `${target.host}:${target.port}`,
    '--topic',
    topic,
    '--messages',
    String(count),
    '--timeout',
    '30000',
  ]);
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  const row = stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.split(',')
    .map((f) => f.trim());
  const messages = Number(row?.[4]);
  const rate = Number(row?.[5]);
  if (!Number.isFinite(rate)) throw new Error(`ConsumerPerformance printed no figures:\n${stdout}`);
  return { messages, msgPerSecond: rate };
}
