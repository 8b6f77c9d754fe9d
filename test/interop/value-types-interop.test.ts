/**
 * `value_type: ndarray` and `image` against the real `sinetstream-type-ndarray` and
 * `sinetstream-type-image` 1.10 (numpy, OpenCV), both directions, through the Python codec in
 * scripts/python/interop_driver.py. Needs the venv from scripts/python/setup.sh.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageDecoder, createMessageEncoder } from '../../src/api/codec.js';
import type { Image } from '../../src/value-types/image.js';
import type { Ndarray, NdarrayDtype } from '../../src/value-types/ndarray.js';
import type { Params } from './matrix.js';
import { pythonBatch } from './python.js';

const CODES: Record<NdarrayDtype, string> = {
  bool: 'b1',
  int8: 'i1',
  uint8: 'u1',
  int16: 'i2',
  uint16: 'u2',
  int32: 'i4',
  uint32: 'u4',
  int64: 'i8',
  uint64: 'u8',
  float16: 'f2',
  float32: 'f4',
  float64: 'f8',
  complex64: 'c8',
  complex128: 'c16',
};

const SIZES: Record<NdarrayDtype, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  complex64: 8,
  complex128: 16,
};

const ARRAYS = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
} as const;

/** Deterministic bytes, so a failure names the same case every run. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 16;
  }
  return bytes;
}

function ndarray(
  dtype: NdarrayDtype,
  shape: number[],
  extra: { fortranOrder?: boolean; byteOrder?: 'little' | 'big' } = {},
  seed = 1,
): Ndarray {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = pseudoRandomBytes(count * SIZES[dtype], seed);
  if (dtype === 'bool') for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! & 1;
  const data = new ARRAYS[dtype](bytes.buffer);
  return { dtype, shape, data, ...extra } as Ndarray;
}

function swapped(bytes: Uint8Array, size: number): Uint8Array {
  const copy = bytes.slice();
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return copy;
}

function rawBytes(array: Ndarray): Uint8Array {
  const { data } = array;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The array as the driver's {"$ndarray": ...}: data in the descr's byte order. */
function toPyArray(array: Ndarray) {
  const size = SIZES[array.dtype];
  const numberSize = array.dtype.startsWith('complex') ? size / 2 : size;
  const big = array.byteOrder === 'big' && size > 1;
  const order = size === 1 ? '|' : big ? '>' : '<';
  const data = big ? swapped(rawBytes(array), numberSize) : rawBytes(array);
  return {
    $ndarray: {
      descr: `${order}${CODES[array.dtype]}`,
      shape: array.shape,
      fortran: array.fortranOrder === true,
      data: Buffer.from(data).toString('base64'),
    },
  };
}

interface PyArray {
  $ndarray: { descr: string; shape: number[]; fortran: boolean; data: string };
}

function comparableArray(array: Ndarray) {
  return JSON.stringify(toPyArray({ byteOrder: 'little', ...array }));
}

// ---- cases ----

interface ArrayCase {
  name: string;
  array: Ndarray;
  params: Params;
}

function arrayCases(): ArrayCase[] {
  const plain = { value_type: 'ndarray' };
  const list: ArrayCase[] = [];
  let seed = 1;
  for (const dtype of Object.keys(CODES) as NdarrayDtype[]) {
    list.push({ name: `${dtype} 3x4`, array: ndarray(dtype, [3, 4], {}, seed++), params: plain });
    if (SIZES[dtype] > 1) {
      const big = ndarray(dtype, [5], { byteOrder: 'big' }, seed++);
      list.push({ name: `${dtype} big-endian`, array: big, params: plain });
    }
  }
  const shapes: [string, number[], { fortranOrder?: boolean; byteOrder?: 'big' }][] = [
    ['0-d float64', [], {}],
    ['0-d int8', [], {}],
    ['empty (0,)', [0], {}],
    ['empty (2,0,3)', [2, 0, 3], {}],
    ['Fortran 2x3', [2, 3], { fortranOrder: true }],
    ['Fortran 2x3x4 big-endian', [2, 3, 4], { fortranOrder: true, byteOrder: 'big' }],
    ['4-d', [2, 1, 3, 2], {}],
    ['1-d of 100000 (6-digit axis)', [100_000], {}],
  ];
  for (const [name, shape, extra] of shapes) {
    const dtype = name.includes('int8') ? 'int8' : 'float64';
    list.push({ name, array: ndarray(dtype, shape, extra, seed++), params: plain });
  }
  list.push({
    name: 'float32 2x2, compressed and encrypted',
    array: ndarray('float32', [2, 2], {}, seed++),
    params: {
      value_type: 'ndarray',
      data_compression: true,
      data_encryption: true,
      crypto: {
        algorithm: 'AES',
        key_length: 128,
        mode: 'GCM',
        password: 'interop-ndarray',
        key_derivation: { iteration: 1000 },
      },
    },
  });
  return list;
}

interface ImageCase {
  name: string;
  /** The OpenCV array Python's writer sends: BGR(A) order, or gray. */
  python: Ndarray;
  /** The same pixels as our Image. */
  image: Image;
  params: Params;
  /** Largest difference allowed per value (lossy JPEG). */
  tolerance: number;
}

/** A smooth gradient (so JPEG stays close), as ours in RGB(A) and Python's BGR(A). */
function imageCase(
  name: string,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  params: Params,
  tolerance = 0,
  deep = false,
): ImageCase {
  const Values = deep ? Uint16Array : Uint8Array;
  const max = deep ? 65535 : 255;
  const rgb = new Values(width * height * channels);
  const bgr = new Values(rgb.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      const values = [
        Math.round((x / Math.max(1, width - 1)) * max),
        Math.round((y / Math.max(1, height - 1)) * max),
        Math.round(((x + y) / Math.max(1, width + height - 2)) * max),
        Math.round(max / 2),
      ].slice(0, channels);
      values.forEach((value, c) => {
        rgb[at + c] = value;
      });
      const opencv =
        channels === 1 ? values : [values[2]!, values[1]!, values[0]!, ...values.slice(3)];
      opencv.forEach((value, c) => {
        bgr[at + c] = value;
      });
    }
  }
  const shape = channels === 1 ? [height, width] : [height, width, channels];
  return {
    name,
    python: { dtype: deep ? 'uint16' : 'uint8', shape, data: bgr } as Ndarray,
    image: { width, height, channels, data: rgb },
    params,
    tolerance,
  };
}

function imageCases(): ImageCase[] {
  const png = { value_type: 'image' };
  const jpeg = (quality: number) => ({
    value_type: { name: 'image', args: { img_format: '.jpg', img_params: [1, quality] } },
  });
  return [
    imageCase('PNG 640x480 BGR', 640, 480, 3, png),
    imageCase('PNG 7x5 BGR (odd size)', 7, 5, 3, png),
    imageCase('PNG 1x1 BGR', 1, 1, 3, png),
    imageCase('PNG 16x9 gray', 16, 9, 1, png),
    imageCase('PNG 16x9 BGRA', 16, 9, 4, png),
    imageCase('PNG 16x9 BGR, 16 bits', 16, 9, 3, png, 0, true),
    imageCase('PNG 32x32 BGR, level 9', 32, 32, 3, {
      value_type: { name: 'image', args: { img_format: '.png', img_params: [16, 9] } },
    }),
    imageCase('JPEG 64x48 BGR, quality 100', 64, 48, 3, jpeg(100), 8),
    imageCase('JPEG 64x48 BGR, quality 90', 64, 48, 3, jpeg(90), 8),
  ];
}

/** What Python's reader (imdecode IMREAD_COLOR) makes of our image: 3 channels, BGR, 8 bits. */
function asOpenCvReads(image: Image): number[] {
  const { width, height, data } = image;
  const channels = image.channels!;
  const out: number[] = [];
  for (let pixel = 0; pixel < width * height; pixel++) {
    const at = pixel * channels;
    const rgb =
      channels < 3 ? [data[at]!, data[at]!, data[at]!] : [data[at]!, data[at + 1]!, data[at + 2]!];
    const bytes = data instanceof Uint16Array ? rgb.map((v) => v >> 8) : rgb;
    out.push(bytes[2]!, bytes[1]!, bytes[0]!);
  }
  return out;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

// ---- running ----

function codecOptions(params: Params) {
  const valueType = params.value_type as string | { name: string; args?: Params };
  return {
    noConfig: true,
    valueType: typeof valueType === 'string' ? valueType : valueType.name,
    valueTypeArgs: typeof valueType === 'string' ? undefined : valueType.args,
    dataEncryption: params.data_encryption === true,
    crypto: params.crypto as Params | undefined,
    dataCompression: params.data_compression === true,
  };
}

const arrays = arrayCases();
const images = imageCases();
const tally = { arraysToPython: 0, arraysFromPython: 0, imagesToPython: 0, imagesFromPython: 0 };

afterAll(() => {
  console.log(
    `value-type interop: ndarray ${arrays.length} cases per direction (ours->python ${tally.arraysToPython}, ` +
      `python->ours ${tally.arraysFromPython}); image ${images.length} per direction ` +
      `(ours->python ${tally.imagesToPython}, python->ours ${tally.imagesFromPython})`,
  );
});

describe('ndarray: ours encodes, Python (numpy.load) decodes', () => {
  const reply = pythonBatch(() =>
    Promise.all(
      arrays.map(async (c) => {
        const encoder = await createMessageEncoder<Ndarray>(codecOptions(c.params));
        const bytes = encoder.encode(c.array, { timestamp: 1.5 });
        return {
          op: 'decode' as const,
          params: c.params,
          bytes: Buffer.from(bytes).toString('base64'),
        };
      }),
    ),
  );

  it.each(arrays.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const replied = reply(i);
    expect(replied.error).toBeUndefined();
    expect(JSON.stringify(replied.value)).toBe(comparableArray(arrays[i]!.array));
    tally.arraysToPython++;
  });
});

describe('ndarray: Python (numpy.save) encodes, ours decodes', () => {
  const reply = pythonBatch(async () =>
    arrays.map((c) => ({
      op: 'encode' as const,
      params: c.params,
      value: toPyArray(c.array) as unknown as string,
      timestamp_us: 1_500_000,
    })),
  );

  it.each(arrays.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = arrays[i]!;
    const replied = reply(i);
    expect(replied.error).toBeUndefined();
    const bytes = Buffer.from(replied.bytes!, 'base64');
    const decoder = await createMessageDecoder<Ndarray>(codecOptions(c.params));
    const decoded = await decoder.decode(bytes);
    expect(decoded.value.dtype).toBe(c.array.dtype);
    expect(decoded.value.shape).toEqual(c.array.shape);
    expect(comparableArray(decoded.value)).toBe(comparableArray(c.array));
    if (c.params.data_encryption !== true) {
      // numpy's header and ours are the same bytes, so the whole message is.
      const ours = (await createMessageEncoder<Ndarray>(codecOptions(c.params))).encode(c.array, {
        timestamp: 1.5,
      });
      expect(Buffer.from(ours).equals(bytes)).toBe(true);
    }
    tally.arraysFromPython++;
  });
});

describe('image: ours encodes, Python (cv2.imdecode) decodes', () => {
  const reply = pythonBatch(() =>
    Promise.all(
      images.map(async (c) => {
        const encoder = await createMessageEncoder<Image>(codecOptions(c.params));
        const bytes = encoder.encode(c.image, { timestamp: 1.5 });
        return {
          op: 'decode' as const,
          params: c.params,
          bytes: Buffer.from(bytes).toString('base64'),
        };
      }),
    ),
  );

  it.each(images.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = images[i]!;
    const replied = reply(i);
    expect(replied.error).toBeUndefined();
    const got = (replied.value as unknown as PyArray).$ndarray;
    expect(got.descr).toBe('|u1');
    expect(got.shape).toEqual([c.image.height, c.image.width, 3]);
    const pixels = Buffer.from(got.data, 'base64');
    expect(maxDifference(pixels, asOpenCvReads(c.image))).toBeLessThanOrEqual(c.tolerance);
    tally.imagesToPython++;
  });
});

describe('image: Python (cv2.imencode) encodes, ours decodes', () => {
  const reply = pythonBatch(async () =>
    images.map((c) => ({
      op: 'encode' as const,
      params: c.params,
      value: toPyArray(c.python) as unknown as string,
      timestamp_us: 1_500_000,
    })),
  );

  it.each(images.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = images[i]!;
    const replied = reply(i);
    expect(replied.error).toBeUndefined();
    const decoder = await createMessageDecoder<Image>(codecOptions(c.params));
    const { value } = await decoder.decode(Buffer.from(replied.bytes!, 'base64'));
    const jpeg = c.tolerance > 0;
    expect([value.width, value.height, value.channels]).toEqual([
      c.image.width,
      c.image.height,
      jpeg ? 3 : c.image.channels,
    ]);
    expect(value.data.constructor).toBe(c.image.data.constructor);
    expect(maxDifference(value.data, c.image.data)).toBeLessThanOrEqual(c.tolerance);
    tally.imagesFromPython++;
  });
});
