/**
 * The object key layout of SINETStream 1.10's `sinetstream-s3`, so that objects written by
 * either implementation are found and read by the other:
 * `{prefix}/{topic}/{YYYY}/{MM}/{DD}[/{hh}[/{mm}]]/{topic}-{writer uuid}-{seqno}{suffix}`,
 * the folders from the message timestamp (whole seconds) in the writer's `utc_offset`, or in
 * its machine's local time when none is given.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Granularity } from './parameters.js';

/** Seconds east of UTC, or `undefined` for the machine's local time. */
export type UtcOffset = number | undefined;

/** What Python's `%z` takes: `Z`, or `±HH[:]MM` with optional `[:]SS[.ffffff]`. */
export function parseUtcOffset(text: string | undefined): UtcOffset {
  if (text === undefined) return undefined;
  if (text === 'Z' || text === 'z') return 0;
  const match = /^([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d)(?:\.\d{1,6})?)?$/.exec(text);
  const hours = Number(match?.[2]);
  const minutes = Number(match?.[4]);
  const seconds = Number(match?.[5] ?? 0);
  if (!match || hours > 23 || minutes > 59 || seconds > 59) {
    throw new InvalidArgumentError(
      `parameter utc_offset: "${text}" is not an offset like +0900, -05:30 or Z`,
    );
  }
  return (match[1] === '-' ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds);
}

const two = (n: number) => String(n).padStart(2, '0');

/** The time folders of a message timestamp (microseconds since the epoch). */
export function timeFolders(
  timestampUs: number,
  granularity: Granularity,
  offset: UtcOffset,
): string {
  const seconds = Math.trunc(timestampUs / 1_000_000);
  const local = offset === undefined;
  const date = new Date((seconds + (local ? 0 : offset)) * 1000);
  const parts = local
    ? [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes()]
    : [
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
      ];
  const [year, ...rest] = parts as [number, ...number[]];
  const depth = { day: 2, hour: 3, minute: 4 }[granularity];
  return [String(year), ...rest.slice(0, depth).map(two)].join('/');
}

export interface KeyLayout {
  readonly prefix: string;
  readonly suffix: string;
  /** The time folders: `day`, `hour` or `minute` (upstream's key `name`). */
  readonly name: Granularity;
}

export function objectKey(
  layout: KeyLayout,
  topic: string,
  folders: string,
  writerId: string,
  seqno: number,
): string {
  return `${layout.prefix}/${topic}/${folders}/${topic}-${writerId}-${seqno}${layout.suffix}`;
}

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Which keys are messages of `topics` (upstream's reader filter): a topic `*` stands for any
 * topic. Upstream puts the prefix and suffix in its pattern unescaped; here they are taken
 * literally, which differs only for keys that upstream's own writer never makes.
 */
export function keyMatcher(layout: KeyLayout, topics: readonly string[]): (key: string) => boolean {
  const depth = { day: 3, hour: 4, minute: 5 }[layout.name];
  const folders = [
    '[1-9][0-9]{3}/',
    '(?:0[1-9]|1[012])/',
    '(?:0[1-9]|[12][0-9]|3[01])/',
    '(?:[01][0-9]|2[0-3])/',
    '[0-5][0-9]/',
  ]
    .slice(0, depth)
    .join('');
  const topicPattern = (topic: string) => (topic === '*' ? '[^/]+' : literally(topic));
  const alternatives = topics.map(
    (topic) => `${topicPattern(topic)}/${folders}${topicPattern(topic)}`,
  );
  const pattern = new RegExp(
    `^${literally(layout.prefix)}/(?:${alternatives.join('|')})-[^/]+${literally(layout.suffix)}$`,
  );
  return (key) => pattern.test(key);
}

/** The topic of a message key: the folder after the prefix. */
export function topicOf(layout: KeyLayout, key: string): string {
  return key.slice(layout.prefix.length + 1).split('/', 1)[0]!;
}

/**
 * The listing prefix that holds every key of `topic`; the whole `prefix` for `*`.
 */
export function listingPrefix(layout: KeyLayout, topic: string): string {
  return topic === '*' ? `${layout.prefix}/` : `${layout.prefix}/${topic}/`;
}

interface Position {
  readonly time: string;
  readonly topic: string;
  readonly writer: string;
  readonly seqno: number;
}

const UUID_LENGTH = 36;

function positionOf(layout: KeyLayout, key: string): Position {
  const topic = topicOf(layout, key);
  const slash = key.lastIndexOf('/');
  const time = key.slice(layout.prefix.length + topic.length + 2, slash);
  const name = key.slice(slash + 1, key.length - layout.suffix.length);
  const seqno = /-(\d+)$/.exec(name);
  if (!seqno) return { time, topic, writer: name, seqno: 0 };
  const writer = name.slice(0, seqno.index).slice(-UUID_LENGTH);
  return { time, topic, writer, seqno: Number(seqno[1]) };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Publish order as far as keys tell it: by time folder, and within one writer by its sequence
 * number (which keys spell without leading zeros, so `-10` sorts before `-9` as text).
 */
export function publishOrder(layout: KeyLayout): (a: string, b: string) => number {
  return (a, b) => {
    const x = positionOf(layout, a);
    const y = positionOf(layout, b);
    return (
      compareText(x.time, y.time) ||
      compareText(x.topic, y.topic) ||
      compareText(x.writer, y.writer) ||
      x.seqno - y.seqno ||
      compareText(a, b)
    );
  };
}

/** The user metadata key under which upstream's writer keeps the message timestamp (µs). */
export const TIMESTAMP_KEY = 'timestamp';
