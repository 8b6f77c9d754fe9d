/**
 * `image`: an image as PNG (the default) or JPEG bytes, as Python's `sinetstream-type-image`
 * 1.10 sends it with OpenCV's `imencode(img_format, image, img_params)` and reads it with
 * `imdecode(bytes, IMREAD_COLOR)`. Pure JavaScript codecs (fast-png, jpeg-js), so it runs in
 * browsers too.
 */
import { convertIndexedToRgb, decode as decodePng, encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { ParamDeclarations } from '../spi/parameters.js';
import type { Logger, ValueTypeCodec, ValueTypePlugin } from '../spi/types.js';

/**
 * The value of `value_type: image`: pixels row by row, top row first, each pixel's channels
 * side by side in **RGB(A)** order (as canvas `ImageData`, fast-png and sharp's raw output),
 * where Python's OpenCV array is BGR(A). A Python array `a` of shape (height, width, 3) and
 * ours hold the same pixels when `data` equals `a[:, :, ::-1].ravel()`; for 4 channels
 * `a[:, :, [2, 1, 0, 3]].ravel()`; a grayscale `a` of shape (height, width) is `channels: 1`
 * and `a.ravel()`.
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  /**
   * 1 gray, 2 gray and alpha, 3 RGB, 4 RGBA. A reader gets what the message holds (a JPEG is
   * always 3); a writer may leave it out when `data` has `width * height * channels` values,
   * so a canvas `ImageData` can be published as it is.
   */
  readonly channels?: 1 | 2 | 3 | 4;
  /** 8 bits per channel in a Uint8Array (or Uint8ClampedArray), 16 bits (PNG only) in a Uint16Array. */
  readonly data: Uint8Array | Uint8ClampedArray | Uint16Array;
  /** The PNG or JPEG bytes the reader received; a writer ignores it. */
  readonly encoded?: Uint8Array;
}

/** OpenCV's `IMWRITE_*` flags that the encoders here honour. */
const IMWRITE_JPEG_QUALITY = 1;
const IMWRITE_PNG_COMPRESSION = 16;
/** OpenCV's defaults for them. */
const DEFAULT_JPEG_QUALITY = 95;
const DEFAULT_PNG_COMPRESSION = 1;

/** The args of `value_type: {name: image, args: {...}}`, as upstream names them. */
export const IMAGE_PARAMETERS = {
  img_format: {
    type: {
      oneOf: ['.png', '.jpg', '.jpeg', '.jpe', 'png', 'jpg', 'jpeg', 'jpe'],
      ignoreCase: true,
    },
    default: '.png',
    description:
      "The encoding a writer sends, as OpenCV's imencode names it; a reader takes PNG and JPEG whatever this says.",
  },
  img_params: {
    type: 'any',
    default: [],
    description:
      'OpenCV imwrite flags as a list of (flag, value) pairs: IMWRITE_JPEG_QUALITY (1, default 95) and IMWRITE_PNG_COMPRESSION (16, default 1) are honoured, others warned about.',
  },
} as const satisfies ParamDeclarations;

interface EncodeSettings {
  readonly jpeg: boolean;
  readonly jpegQuality: number;
  readonly pngLevel: number;
}

const DEFAULTS: EncodeSettings = {
  jpeg: false,
  jpegQuality: DEFAULT_JPEG_QUALITY,
  pngLevel: DEFAULT_PNG_COMPRESSION,
};

function badValue(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`value_type image: publish() ${message}`);
}

function checkImage(value: unknown): Required<Omit<Image, 'encoded'>> {
  if (typeof value !== 'object' || value === null || !('data' in value)) {
    throw badValue(`takes { width, height, channels, data }, got ${typeof value}`);
  }
  const { width, height, data, channels } = value as Image;
  for (const [key, length] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isSafeInteger(length) || length < 1) {
      throw badValue(`${key}: expected a whole number above 0, got ${String(length)}`);
    }
  }
  if (
    !(
      data instanceof Uint8Array ||
      data instanceof Uint8ClampedArray ||
      data instanceof Uint16Array
    )
  ) {
    throw badValue('data: expected a Uint8Array, Uint8ClampedArray or Uint16Array');
  }
  const pixels = width * height;
  const given = channels ?? data.length / pixels;
  if (given !== 1 && given !== 2 && given !== 3 && given !== 4) {
    throw badValue(`channels: expected 1, 2, 3 or 4, got ${String(given)}`);
  }
  if (data.length !== pixels * given) {
    throw badValue(
      `data: ${width}x${height} with ${given} channels takes ${pixels * given} values, got ${data.length}`,
    );
  }
  return { width, height, channels: given, data };
}

function encodeImage(value: unknown, settings: EncodeSettings): Uint8Array {
  const image = checkImage(value);
  if (!settings.jpeg) {
    return encodePng(
      {
        width: image.width,
        height: image.height,
        channels: image.channels,
        depth: image.data instanceof Uint16Array ? 16 : 8,
        data: image.data,
      },
      { zlib: { level: settings.pngLevel as 1 } },
    );
  }
  if (image.data instanceof Uint16Array) throw badValue('data: JPEG takes 8 bits per channel');
  return new Uint8Array(jpeg.encode(toRgba(image), settings.jpegQuality).data);
}

/** jpeg-js encodes RGBA; gray is spread over R, G and B, alpha dropped as OpenCV drops it. */
function toRgba(image: Required<Omit<Image, 'encoded'>>) {
  const { width, height, channels, data } = image;
  const rgba = new Uint8Array(width * height * 4);
  for (let pixel = 0, from = 0; pixel < rgba.length; pixel += 4, from += channels) {
    const gray = channels < 3;
    rgba[pixel] = data[from]!;
    rgba[pixel + 1] = data[gray ? from : from + 1]!;
    rgba[pixel + 2] = data[gray ? from : from + 2]!;
    rgba[pixel + 3] = 255;
  }
  return { width, height, data: rgba };
}

function invalid(message: string, cause?: unknown): InvalidMessageError {
  return new InvalidMessageError(`value_type image: ${message}`, { cause });
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function decodeImage(bytes: Uint8Array): Image {
  const isPng = PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw invalid('message is neither a PNG nor a JPEG image');
  try {
    if (isJpeg) {
      const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
      return { width, height, channels: 3, data, encoded: bytes };
    }
    const png = decodePng(bytes);
    if (png.palette) {
      const data = convertIndexedToRgb(png);
      const channels = data.length / (png.width * png.height) === 4 ? 4 : 3;
      return { width: png.width, height: png.height, channels, data, encoded: bytes };
    }
    const data = png.depth < 8 ? unpackBits(png.data as Uint8Array, png) : png.data;
    return {
      width: png.width,
      height: png.height,
      channels: png.channels as 1 | 2 | 3 | 4,
      data,
      encoded: bytes,
    };
  } catch (error) {
    throw invalid(
      `cannot decode the ${isPng ? 'PNG' : 'JPEG'}: ${(error as Error).message}`,
      error,
    );
  }
}

/** Gray PNGs of 1, 2 or 4 bits (rows padded to a byte) as 8 bits, scaled as OpenCV scales them. */
function unpackBits(
  packed: Uint8Array,
  png: { width: number; height: number; depth: number; channels: number },
): Uint8Array {
  const { width, height, depth, channels } = png;
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const max = (1 << depth) - 1;
  const out = new Uint8Array(perRow * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      const sample = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * perRow + i] = Math.round((sample * 255) / max);
    }
  }
  return out;
}

function settingsOf(args: Readonly<Record<string, unknown>>, logger: Logger): EncodeSettings {
  const format = String(args.img_format ?? '.png').toLowerCase();
  const params = args.img_params ?? [];
  if (
    !Array.isArray(params) ||
    params.length % 2 !== 0 ||
    !params.every((item) => Number.isInteger(item))
  ) {
    throw new InvalidArgumentError(
      'parameter args.img_params: expected a list of whole numbers in (flag, value) pairs',
    );
  }
  let { jpegQuality, pngLevel } = DEFAULTS;
  for (let i = 0; i < params.length; i += 2) {
    const [flag, setting] = [params[i] as number, params[i + 1] as number];
    if (flag === IMWRITE_JPEG_QUALITY) jpegQuality = Math.min(100, Math.max(0, setting));
    else if (flag === IMWRITE_PNG_COMPRESSION) pngLevel = Math.min(9, Math.max(0, setting));
    else logger.warn(`args.img_params: OpenCV flag ${flag} is not honoured; ignored`);
  }
  return { jpeg: !format.endsWith('png'), jpegQuality, pngLevel };
}

/** `image`: PNG or JPEG images, byte-compatible with `sinetstream-type-image` 1.10. */
export const imageValueType: ValueTypePlugin<Image> = {
  name: 'image',
  parameters: IMAGE_PARAMETERS,
  serialize: (value) => encodeImage(value, DEFAULTS),
  deserialize: decodeImage,
  withArgs(args, logger): ValueTypeCodec<Image> {
    const settings = settingsOf(args, logger);
    return { serialize: (value) => encodeImage(value, settings), deserialize: decodeImage };
  },
};
