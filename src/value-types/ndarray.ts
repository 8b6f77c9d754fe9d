/**
 * `ndarray`: a numpy array as a .npy file, as Python's `sinetstream-type-ndarray` 1.10 sends it
 * (`numpy.save` / `numpy.load` without pickles). The header is written as numpy 2 writes it,
 * so our bytes equal Python's for the same array.
 */
import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { ValueTypePlugin } from '../spi/types.js';
import { type PythonLiteral, parsePythonLiteral } from './python-literal.js';

/** The array's element type: numpy's name (`numpy.dtype(...).name`). */
export type NdarrayDtype = keyof NdarrayDataTypes;

/**
 * The typed array that holds each dtype's elements. `bool` is 0 or 1 per byte; `float16` is
 * the IEEE 754 half-precision bits (view them as numbers with
 * `new Float16Array(data.buffer, data.byteOffset, data.length)` where the runtime has it,
 * Node 24 and current browsers); complex numbers are (real, imaginary) pairs, so `data` has
 * two numbers per element.
 */
export interface NdarrayDataTypes {
  bool: Uint8Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  complex64: Float32Array;
  complex128: Float64Array;
}

/**
 * The value of `value_type: ndarray`: a numpy array. Python's `a` and ours hold the same
 * elements when `data` is `a.ravel(order='F' if fortranOrder else 'C')`.
 */
export interface Ndarray<D extends NdarrayDtype = NdarrayDtype> {
  /** The element type. */
  readonly dtype: D;
  /** The length of each axis; `[]` is a 0-d array (one element), a 0 anywhere an empty one. */
  readonly shape: readonly number[];
  /** The elements, in this platform's byte order, in the order `fortranOrder` says. */
  readonly data: NdarrayDataTypes[D];
  /** `true`: `data` is column-major (Fortran order); absent or `false`: row-major (C order). */
  readonly fortranOrder?: boolean;
  /**
   * The byte order in the message: what the writer sends (default `little`, numpy's on every
   * common machine), and what the reader found.
   */
  readonly byteOrder?: 'little' | 'big';
}

interface DtypeInfo {
  readonly dtype: NdarrayDtype;
  /** numpy's type code and size, e.g. `f8`. */
  readonly code: string;
  /** Bytes of one number in `data` (half an element for complex). */
  readonly numberSize: number;
  /** Numbers in `data` per element. */
  readonly numbersPerElement: 1 | 2;
  readonly array: new (buffer: ArrayBuffer) => ArrayBufferView & { readonly length: number };
}

const DTYPES: readonly DtypeInfo[] = [
  { dtype: 'bool', code: 'b1', numberSize: 1, numbersPerElement: 1, array: Uint8Array },
  { dtype: 'int8', code: 'i1', numberSize: 1, numbersPerElement: 1, array: Int8Array },
  { dtype: 'uint8', code: 'u1', numberSize: 1, numbersPerElement: 1, array: Uint8Array },
  { dtype: 'int16', code: 'i2', numberSize: 2, numbersPerElement: 1, array: Int16Array },
  { dtype: 'uint16', code: 'u2', numberSize: 2, numbersPerElement: 1, array: Uint16Array },
  { dtype: 'int32', code: 'i4', numberSize: 4, numbersPerElement: 1, array: Int32Array },
  { dtype: 'uint32', code: 'u4', numberSize: 4, numbersPerElement: 1, array: Uint32Array },
  { dtype: 'int64', code: 'i8', numberSize: 8, numbersPerElement: 1, array: BigInt64Array },
  { dtype: 'uint64', code: 'u8', numberSize: 8, numbersPerElement: 1, array: BigUint64Array },
  { dtype: 'float16', code: 'f2', numberSize: 2, numbersPerElement: 1, array: Uint16Array },
  { dtype: 'float32', code: 'f4', numberSize: 4, numbersPerElement: 1, array: Float32Array },
  { dtype: 'float64', code: 'f8', numberSize: 8, numbersPerElement: 1, array: Float64Array },
  { dtype: 'complex64', code: 'c8', numberSize: 4, numbersPerElement: 2, array: Float32Array },
  { dtype: 'complex128', code: 'c16', numberSize: 8, numbersPerElement: 2, array: Float64Array },
];

const BY_NAME = new Map(DTYPES.map((info) => [info.dtype, info]));
const BY_CODE = new Map(DTYPES.map((info) => [info.code, info]));
const NATIVE_ORDER = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'little' : 'big';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy aligns the data to 64 bytes and leaves room for the first axis to grow to 21 digits. */
const ALIGN = 64;
const GROWTH_DIGITS = 21;

function invalid(message: string, cause?: unknown): InvalidMessageError {
  return new InvalidMessageError(`value_type ndarray: ${message}`, { cause });
}

function badValue(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`value_type ndarray: publish() ${message}`);
}

/** Reverses the bytes of each `size`-byte number in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let start = 0; start < bytes.length; start += size) {
    bytes.subarray(start, start + size).reverse();
  }
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, length) => product * length, 1);
}

// ---- reading ----

interface Header {
  readonly info: DtypeInfo;
  readonly byteOrder: 'little' | 'big';
  readonly fortranOrder: boolean;
  readonly shape: number[];
  readonly dataOffset: number;
}

function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw invalid('message is not a .npy array (no \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) {
    throw invalid(`.npy format version ${major}.${bytes[7]} is not 1, 2 or 3`);
  }
  const lengthSize = major === 1 ? 2 : 4;
  const start = 8 + lengthSize;
  if (bytes.length < start) throw invalid('.npy header truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (bytes.length < start + headerLength) {
    throw invalid(
      `.npy header truncated: ${headerLength} bytes announced, ${bytes.length - start} present`,
    );
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLength),
  );
  let literal: PythonLiteral;
  try {
    literal = parsePythonLiteral(text);
  } catch (error) {
    throw invalid(`.npy header is not a Python literal: ${(error as Error).message}`, error);
  }
  return { ...describeHeader(literal), dataOffset: start + headerLength };
}

function describeHeader(literal: PythonLiteral): Omit<Header, 'dataOffset'> {
  if (literal === null || typeof literal !== 'object' || Array.isArray(literal)) {
    throw invalid('.npy header is not a dict');
  }
  const { descr, fortran_order: fortranOrder, shape } = literal as Record<string, PythonLiteral>;
  if (typeof fortranOrder !== 'boolean')
    throw invalid('.npy header: fortran_order is not True or False');
  if (
    !Array.isArray(shape) ||
    !shape.every((length) => typeof length === 'number' && length >= 0)
  ) {
    throw invalid('.npy header: shape is not a tuple of lengths');
  }
  if (typeof descr !== 'string') {
    throw invalid('.npy header: descr is a structured dtype, which ndarray does not take');
  }
  if (/^[|<>=]?O/.test(descr)) {
    throw invalid(
      `dtype ${descr} is an object array, which needs pickle; refused as numpy.load(allow_pickle=False) does`,
    );
  }
  const match = /^([|<>=])([a-zA-Z]\d+)$/.exec(descr);
  const info = match ? BY_CODE.get(match[2]!) : undefined;
  if (!match || !info) throw invalid(`dtype ${descr} is not a numeric or bool dtype`);
  const order = match[1];
  const byteOrder = order === '>' ? 'big' : order === '<' ? 'little' : NATIVE_ORDER;
  return { info, byteOrder, fortranOrder, shape: shape as number[] };
}

function decodeNpy(bytes: Uint8Array): Ndarray {
  const { info, byteOrder, fortranOrder, shape, dataOffset } = readHeader(bytes);
  const elements = elementCount(shape);
  const expected = elements * info.numberSize * info.numbersPerElement;
  const present = bytes.length - dataOffset;
  if (!Number.isSafeInteger(expected) || expected !== present) {
    throw invalid(
      `shape (${shape.join(', ')}) of ${info.dtype} needs ${expected} bytes of data, the message has ${present}`,
    );
  }
  // A copy: the data must be aligned for the typed array, and a Buffer's slice would share memory.
  const copy = new Uint8Array(bytes.subarray(dataOffset));
  if (byteOrder !== NATIVE_ORDER) swapBytes(copy, info.numberSize);
  const array: Ndarray = {
    dtype: info.dtype,
    shape,
    data: new info.array(copy.buffer) as NdarrayDataTypes[NdarrayDtype],
    byteOrder,
  };
  return fortranOrder ? { ...array, fortranOrder } : array;
}

// ---- writing ----

function isFloat16Array(value: unknown): value is ArrayBufferView & { length: number } {
  return Object.prototype.toString.call(value) === '[object Float16Array]';
}

function checkValue(value: unknown): {
  info: DtypeInfo;
  shape: readonly number[];
  data: ArrayBufferView & { length: number };
  fortranOrder: boolean;
  byteOrder: 'little' | 'big';
} {
  if (typeof value !== 'object' || value === null || !('dtype' in value)) {
    throw badValue(`takes { dtype, shape, data }, got ${typeof value}`);
  }
  const array = value as Partial<Ndarray>;
  const info = BY_NAME.get(array.dtype as NdarrayDtype);
  if (!info)
    throw badValue(
      `dtype: "${String(array.dtype)}" is not one of ${[...BY_NAME.keys()].join(', ')}`,
    );
  const { shape, data } = array;
  if (
    !Array.isArray(shape) ||
    !shape.every((length) => Number.isSafeInteger(length) && length >= 0)
  ) {
    throw badValue('shape: expected a list of whole numbers, 0 or above');
  }
  const fitting = data instanceof info.array || (info.dtype === 'float16' && isFloat16Array(data));
  if (!fitting) {
    throw badValue(
      `data: dtype ${info.dtype} takes a ${info.array.name}, got ${data?.constructor?.name ?? typeof data}`,
    );
  }
  const typed = data as ArrayBufferView & { length: number };
  const numbers = elementCount(shape) * info.numbersPerElement;
  if (typed.length !== numbers) {
    throw badValue(
      `data: shape (${shape.join(', ')}) of ${info.dtype} takes ${numbers} numbers, got ${typed.length}`,
    );
  }
  const byteOrder = array.byteOrder ?? 'little';
  if (byteOrder !== 'little' && byteOrder !== 'big')
    throw badValue(`byteOrder: "${String(byteOrder)}" is not little or big`);
  return { info, shape, data: typed, fortranOrder: array.fortranOrder === true, byteOrder };
}

/** The header numpy 2 writes for this array, padded as numpy pads it. */
function encodeHeader(descr: string, fortranOrder: boolean, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  if (shape.length > 0) {
    const growing = shape[fortranOrder ? shape.length - 1 : 0]!;
    text += ' '.repeat(GROWTH_DIGITS - String(growing).length);
  }
  const version = text.length + 1 + 10 <= 0xffff ? 1 : 2;
  const prefixLength = version === 1 ? 10 : 12;
  const padding = ALIGN - ((prefixLength + text.length + 1) % ALIGN);
  const headerLength = text.length + padding + 1;
  const bytes = new Uint8Array(prefixLength + headerLength);
  bytes.set(MAGIC);
  bytes[6] = version;
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  bytes.set(new TextEncoder().encode(`${text}${' '.repeat(padding)}\n`), prefixLength);
  return bytes;
}

function encodeNpy(value: unknown): Uint8Array {
  const { info, shape, data, fortranOrder, byteOrder } = checkValue(value);
  const order = info.numberSize === 1 ? '|' : byteOrder === 'big' ? '>' : '<';
  const header = encodeHeader(`${order}${info.code}`, fortranOrder, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  const body = out.subarray(header.length);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (info.dtype === 'bool') {
    for (let i = 0; i < body.length; i++) body[i] = body[i] === 0 ? 0 : 1;
  }
  if (order !== '|' && byteOrder !== NATIVE_ORDER) swapBytes(body, info.numberSize);
  return out;
}

/** `ndarray`: numpy arrays as .npy, byte-compatible with `sinetstream-type-ndarray` 1.10. */
export const ndarrayValueType: ValueTypePlugin<Ndarray> = {
  name: 'ndarray',
  serialize: encodeNpy,
  deserialize: decodeNpy,
};
