import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  keyMatcher,
  objectKey,
  parseUtcOffset,
  publishOrder,
  timeFolders,
  topicOf,
} from '../../src/plugins/s3/keys.js';

const layout = { prefix: 'data', suffix: '.msg', name: 'minute' } as const;
const writer = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('s3 key layout (upstream sinetstream-s3 1.10)', () => {
  it('reads utc_offset as Python %z does', () => {
    expect(parseUtcOffset('+0900')).toBe(9 * 3600);
    expect(parseUtcOffset('-05:30')).toBe(-(5 * 3600 + 30 * 60));
    expect(parseUtcOffset('Z')).toBe(0);
    expect(parseUtcOffset(undefined)).toBeUndefined();
    for (const bad of ['+9', '0900', '+2500', 'JST']) {
      expect(() => parseUtcOffset(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('makes the time folders of the timestamp in whole seconds, at day, hour or minute', () => {
    // 2023-12-31T23:59:59.999999Z
    const timestampUs = 1_704_067_199_999_999;
    expect(timeFolders(timestampUs, 'day', 0)).toBe('2023/12/31');
    expect(timeFolders(timestampUs, 'hour', 0)).toBe('2023/12/31/23');
    expect(timeFolders(timestampUs, 'minute', 0)).toBe('2023/12/31/23/59');
    expect(timeFolders(timestampUs, 'minute', 9 * 3600)).toBe('2024/01/01/08/59');
  });

  it("matches upstream writers' keys of its topics only; * is any topic", () => {
    const key = objectKey(layout, 'sensor', '2024/01/01/08/59', writer, 12);
    expect(key).toBe(`data/sensor/2024/01/01/08/59/sensor-${writer}-12.msg`);
    expect(topicOf(layout, key)).toBe('sensor');
    expect(keyMatcher(layout, ['sensor'])(key)).toBe(true);
    expect(keyMatcher(layout, ['other', '*'])(key)).toBe(true);
    expect(keyMatcher(layout, ['sens'])(key)).toBe(false);
    expect(keyMatcher({ ...layout, name: 'hour' }, ['sensor'])(key)).toBe(false);
    expect(keyMatcher(layout, ['sensor'])(key.replace('.msg', '.txt'))).toBe(false);
    expect(keyMatcher(layout, ['sensor'])(key.replace('/08/', '/24/'))).toBe(false);
  });

  it('orders by time folder, then by each writer sequence number as a number', () => {
    const key = (folders: string, seqno: number) => objectKey(layout, 't', folders, writer, seqno);
    const published = [
      key('2024/01/01/08/59', 9),
      key('2024/01/01/08/59', 10),
      key('2024/01/01/09/00', 11),
    ];
    expect([...published].sort()).not.toEqual(published);
    expect([...published].reverse().sort(publishOrder(layout))).toEqual(published);
  });
});
