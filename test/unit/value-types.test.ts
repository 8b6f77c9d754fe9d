import { deflateSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import {
  createMessageDecoder,
  createMessageEncoder,
  createRegistry,
  type Image,
  InvalidArgumentError,
  InvalidMessageError,
  MessageReader,
  MessageWriter,
  type Ndarray,
} from '../../src/index.js';
import type { ValueTypePlugin } from '../../src/spi/index.js';
import { imageValueType } from '../../src/value-types/image.js';
import { ndarrayValueType } from '../../src/value-types/ndarray.js';

/** A value type that repeats a string `times` times, to see which args reach it. */
const repeat: ValueTypePlugin<string> = {
  name: 'repeat',
  parameters: {
    times: { type: 'number', default: 1, description: 'How often.' },
    separator: { type: 'string', default: '', description: 'Between repeats.' },
  },
  serialize: (value) => new TextEncoder().encode(value),
  deserialize: (bytes) => new TextDecoder().decode(bytes),
  withArgs: (args) => ({
    serialize: (value) =>
      new TextEncoder().encode(
        Array(args.times as number)
          .fill(value)
          .join(args.separator as string),
      ),
    deserialize: (bytes) => new TextDecoder().decode(bytes),
  }),
};

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
}

async function encodeWith(config: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const { warnings, logger } = recordingLogger();
  const encoder = await createMessageEncoder<string>({
    config: { s: { type: 'memory', topic: 't', user_data_only: true, ...config } },
    registry: createRegistry().registerValueType('repeat', repeat),
    logger,
    ...options,
  });
  return { text: new TextDecoder().decode(encoder.encode('ab')), warnings };
}

describe('value_type: {name, args}', () => {
  it('hands the args, checked and with defaults, to the value type', async () => {
    const { text, warnings } = await encodeWith({
      value_type: { name: 'repeat', args: { times: 3 } },
    });
    expect(text).toBe('ababab');
    expect(warnings).toEqual([]);
  });

  it('merges args given to the API over the file args of the same value type', async () => {
    const { text } = await encodeWith(
      { value_type: { name: 'repeat', args: { times: 2, separator: '-' } } },
      { valueTypeArgs: { times: 3 } },
    );
    expect(text).toBe('ab-ab-ab');
    const named = await encodeWith({}, { valueType: 'repeat', valueTypeArgs: { times: 2 } });
    expect(named.text).toBe('abab');
  });

  it('does not hand the file args to another value type named in the API', async () => {
    const { warnings, logger } = recordingLogger();
    const encoder = await createMessageEncoder<string>({
      config: { s: { value_type: { name: 'repeat', args: { times: 3 } }, user_data_only: true } },
      registry: createRegistry().registerValueType('repeat', repeat),
      valueType: 'text',
      logger,
    });
    expect(new TextDecoder().decode(encoder.encode('ab'))).toBe('ab');
    expect(warnings).toEqual([]);
  });

  it('warns about an unknown arg, naming the nearest known one', async () => {
    const { text, warnings } = await encodeWith({
      value_type: { name: 'repeat', args: { time: 3 } },
    });
    expect(text).toBe('ab');
    expect(warnings).toEqual([expect.stringMatching(/args\.time .*did you mean args\.times/)]);
  });

  it('refuses an arg of the wrong type, naming the key', async () => {
    await expect(
      encodeWith({ value_type: { name: 'repeat', args: { times: 'thrice' } } }),
    ).rejects.toThrow(/value_type repeat: parameter args\.times: expected/);
    await expect(
      encodeWith({ value_type: { name: 'repeat', args: { times: 'thrice' } } }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('warns about args given to a value type that takes none', async () => {
    const { text, warnings } = await encodeWith({
      value_type: { name: 'text', args: { encoding: 'latin1' } },
    });
    expect(text).toBe('ab');
    expect(warnings).toEqual([
      expect.stringMatching(/value_type text: takes no args; args\.encoding ignored/),
    ]);
  });

  it('refuses args that are not a mapping', async () => {
    await expect(
      createMessageEncoder({ noConfig: true, valueType: 'text', valueTypeArgs: 3 as never }),
    ).rejects.toThrow(/value_type: expected a name, or a mapping of name and args/);
  });
});

function npy(header: string, data: number[] = []): Uint8Array {
  const prefix = [0x93, ...new TextEncoder().encode('NUMPY'), 1, 0];
  const text = new TextEncoder().encode(header);
  return Uint8Array.from([...prefix, text.length & 0xff, text.length >> 8, ...text, ...data]);
}

describe('value_type: ndarray', () => {
  const roundTrip = (array: Ndarray) =>
    ndarrayValueType.deserialize(ndarrayValueType.serialize(array));

  it('gives back every dtype with its shape, order and byte order', () => {
    const arrays: Ndarray[] = [
      { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) },
      { dtype: 'int8', shape: [2], data: Int8Array.of(-128, 127) },
      { dtype: 'uint16', shape: [2], data: Uint16Array.of(1, 65535), byteOrder: 'big' },
      { dtype: 'int64', shape: [1, 2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 62n) },
      { dtype: 'uint64', shape: [1], data: BigUint64Array.of(2n ** 64n - 1n), byteOrder: 'big' },
      { dtype: 'float16', shape: [1], data: Uint16Array.of(0x3c00) },
      { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4), fortranOrder: true },
      { dtype: 'float64', shape: [], data: Float64Array.of(Math.PI), byteOrder: 'big' },
      { dtype: 'complex128', shape: [1], data: Float64Array.of(1, -2) },
      { dtype: 'int32', shape: [0, 3], data: new Int32Array(0) },
    ];
    for (const array of arrays) {
      expect(roundTrip(array)).toEqual({ byteOrder: 'little', ...array });
    }
  });

  it.runIf('Float16Array' in globalThis)('takes a Float16Array for float16', () => {
    const Float16 = (
      globalThis as unknown as { Float16Array: new (values: number[]) => Uint16Array }
    ).Float16Array;
    const bytes = ndarrayValueType.serialize({
      dtype: 'float16',
      shape: [2],
      data: new Float16([1.5, -2]),
    });
    expect(ndarrayValueType.deserialize(bytes).data).toEqual(Uint16Array.of(0x3e00, 0xc000));
  });

  it('reads a message held in a Buffer from the shared pool', () => {
    const array: Ndarray = { dtype: 'int16', shape: [2], data: Int16Array.of(-2, 3) };
    const pooled = Buffer.from(ndarrayValueType.serialize(array));
    expect(ndarrayValueType.deserialize(pooled).data).toEqual(array.data);
  });

  it('writes the header numpy writes', () => {
    const bytes = ndarrayValueType.serialize({
      dtype: 'int32',
      shape: [2, 3],
      data: new Int32Array(6),
    });
    const header = new TextDecoder().decode(bytes.subarray(10, 128));
    expect(header).toBe(
      `{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`,
    );
    expect(bytes.length).toBe(128 + 24);
  });

  it('refuses a pickled object array, a truncated header and data that does not fit the shape', () => {
    const cases = [
      npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", [0x80, 4]),
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n").subarray(0, 40),
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", [0, 0, 0, 0, 0, 0, 0, 0]),
      npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (9007199254740991, 9007199254740991), }\n",
      ),
      npy("{'descr': [('x', '<i4')], 'fortran_order': False, 'shape': (1,), }\n", [0, 0, 0, 0]),
      npy("{'descr': '<U3', 'fortran_order': False, 'shape': (), }\n", new Array(12).fill(0)),
      npy("__import__('os')\n"),
      new TextEncoder().encode('not numpy at all'),
    ];
    const messages = cases.map((bytes) => {
      try {
        ndarrayValueType.deserialize(bytes);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidMessageError);
        return (error as Error).message;
      }
    });
    expect(messages).toEqual([
      expect.stringMatching(/object array.*pickle/),
      expect.stringMatching(/header truncated/),
      expect.stringMatching(/needs 16 bytes of data, the message has 8/),
      expect.stringMatching(/needs .* bytes of data, the message has 0/),
      expect.stringMatching(/structured dtype/),
      expect.stringMatching(/<U3 is not a numeric or bool dtype/),
      expect.stringMatching(/not a Python literal/),
      expect.stringMatching(/not a \.npy array/),
    ]);
  });

  it('refuses to publish data that does not fit its dtype or shape, naming what is wrong', () => {
    expect(() =>
      ndarrayValueType.serialize({ dtype: 'int64', shape: [2], data: new Int32Array(2) as never }),
    ).toThrow(/data: dtype int64 takes a BigInt64Array, got Int32Array/);
    expect(() =>
      ndarrayValueType.serialize({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) }),
    ).toThrow(/takes 4 numbers, got 3/);
    expect(() =>
      ndarrayValueType.serialize({ dtype: 'object' as never, shape: [], data: new Uint8Array(1) }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('value_type: image', () => {
  const rgb: Image = {
    width: 3,
    height: 2,
    channels: 3,
    data: Uint8Array.from({ length: 18 }, (_, i) => i * 10),
  };

  it('gives back the pixels of a PNG, with the PNG bytes', () => {
    const bytes = imageValueType.serialize(rgb);
    const image = imageValueType.deserialize(bytes);
    expect(image).toEqual({ ...rgb, encoded: bytes });
  });

  it('takes a canvas ImageData (RGBA, no channels) and 16-bit gray', () => {
    const rgba = { width: 1, height: 2, data: Uint8ClampedArray.of(1, 2, 3, 4, 5, 6, 7, 8) };
    const back = imageValueType.deserialize(imageValueType.serialize(rgba));
    expect([back.channels, [...back.data]]).toEqual([4, [1, 2, 3, 4, 5, 6, 7, 8]]);
    const deep = { width: 2, height: 1, channels: 1 as const, data: Uint16Array.of(0, 65535) };
    expect(imageValueType.deserialize(imageValueType.serialize(deep)).data).toEqual(deep.data);
  });

  it('reads palette and 1-bit PNGs as 8-bit pixels', () => {
    const palette = encodePng({
      width: 2,
      height: 1,
      depth: 8,
      channels: 1,
      data: Uint8Array.of(0, 1),
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    expect(imageValueType.deserialize(palette)).toMatchObject({
      channels: 3,
      data: Uint8Array.of(255, 0, 0, 0, 0, 255),
    });
    // a 1-bit gray PNG, 3 pixels wide: 1, 0, 1
    const bits = onePixelRowPng(0b1010_0000, 3);
    expect(imageValueType.deserialize(bits)).toMatchObject({
      channels: 1,
      data: Uint8Array.of(255, 0, 255),
    });
  });

  it('writes JPEG when img_format says so, at the quality img_params sets', () => {
    const { warnings, logger } = recordingLogger();
    const jpeg = imageValueType.withArgs!(
      { img_format: '.jpg', img_params: [1, 100, 99, 0] },
      logger,
    );
    const flat = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(192).fill(200) };
    const bytes = jpeg.serialize(flat);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const back = jpeg.deserialize(bytes);
    expect([back.width, back.height, back.channels]).toEqual([8, 8, 3]);
    expect(Math.max(...[...back.data].map((value) => Math.abs(value - 200)))).toBeLessThanOrEqual(
      2,
    );
    expect(warnings).toEqual([expect.stringMatching(/flag 99 is not honoured/)]);
  });

  it('refuses bad img_params, bad images and bytes that are no image', () => {
    expect(() => imageValueType.withArgs!({ img_params: [1] }, recordingLogger().logger)).toThrow(
      /args\.img_params/,
    );
    expect(() =>
      imageValueType.serialize({ width: 2, height: 2, data: new Uint8Array(5) }),
    ).toThrow(InvalidArgumentError);
    expect(() => imageValueType.deserialize(new TextEncoder().encode('GIF89a'))).toThrow(
      InvalidMessageError,
    );
    const truncated = imageValueType.serialize(rgb).subarray(0, 40);
    expect(() => imageValueType.deserialize(truncated)).toThrow(InvalidMessageError);
  });

  it('crosses a broker with the args of the config file', async () => {
    const config = {
      s: {
        type: 'memory',
        brokers: 'value-types-image',
        topic: 't',
        value_type: { name: 'image', args: { img_format: 'jpg' } },
      },
    };
    await using reader = await new MessageReader<Image>({ config, receiveTimeoutMs: 100 }).open();
    await using writer = await new MessageWriter<Image>({ config }).open();
    await writer.publish(rgb);
    const received: Image[] = [];
    for await (const message of reader) received.push(message.value);
    expect(received.map((image) => [image.width, image.height, image.encoded?.[0]])).toEqual([
      [3, 2, 0xff],
    ]);
  });

  it('takes image args from the config', async () => {
    const encoder = await createMessageEncoder<Image>({
      noConfig: true,
      valueType: 'image',
      valueTypeArgs: { img_format: 'JPEG' },
      userDataOnly: true,
    });
    const decoder = await createMessageDecoder<Image>({
      noConfig: true,
      valueType: 'image',
      userDataOnly: true,
    });
    const bytes = encoder.encode(rgb);
    expect(bytes[0]).toBe(0xff);
    expect((await decoder.decode(bytes)).value.width).toBe(3);
    await expect(
      createMessageEncoder({
        noConfig: true,
        valueType: 'image',
        valueTypeArgs: { img_format: '.gif' },
      }),
    ).rejects.toThrow(/args\.img_format: "\.gif" is not one of/);
  });
});

/** A gray PNG of one row of `width` pixels at 1 bit each, `row` its packed byte. */
function onePixelRowPng(row: number, width: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Uint8Array.from([...new TextEncoder().encode(type), ...data]);
    const length = new DataView(new ArrayBuffer(4));
    length.setUint32(0, data.length);
    const crc = new DataView(new ArrayBuffer(4));
    crc.setUint32(0, crc32(body));
    return [...new Uint8Array(length.buffer), ...body, ...new Uint8Array(crc.buffer)];
  };
  const ihdr = new DataView(new ArrayBuffer(13));
  ihdr.setUint32(0, width);
  ihdr.setUint32(4, 1);
  ihdr.setUint8(8, 1); // bit depth
  ihdr.setUint8(9, 0); // gray
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', new Uint8Array(ihdr.buffer)),
    ...chunk('IDAT', new Uint8Array(deflateSync(Uint8Array.of(0, row)))),
    ...chunk('IEND', new Uint8Array(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
