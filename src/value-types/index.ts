import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { ValueTypePlugin } from '../spi/types.js';

/** `byte_array`: values are bytes, passed through unchanged. */
export const byteArrayValueType: ValueTypePlugin<Uint8Array> = {
  name: 'byte_array',
  serialize(value) {
    if (!(value instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        `value_type byte_array: publish() takes a Uint8Array, got ${typeof value} (set valueType: 'text' for strings)`,
      );
    }
    return value;
  },
  deserialize: (bytes) => bytes,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `text`: values are strings, sent as UTF-8. */
export const textValueType: ValueTypePlugin<string> = {
  name: 'text',
  serialize(value) {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        `value_type text: publish() takes a string, got ${typeof value}`,
      );
    }
    return encoder.encode(value);
  },
  deserialize(bytes) {
    try {
      return decoder.decode(bytes);
    } catch (error) {
      throw new InvalidMessageError('value_type text: message is not valid UTF-8', {
        cause: error,
      });
    }
  },
};
