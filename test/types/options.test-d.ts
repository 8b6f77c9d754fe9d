/**
 * Type tests, checked by `npx tsc -p tsconfig.json --noEmit` (never run: the functions only
 * need to compile). An `@ts-expect-error` that finds no error fails the typecheck.
 */

import { expectTypeOf } from 'vitest';
import {
  AsyncMessageReader,
  AsyncMessageWriter,
  type Image,
  type Message,
  MessageReader,
  MessageWriter,
  type Ndarray,
  type ReaderOptions,
  type ServiceTypeName,
  type ValueTypeName,
} from '../../src/index.js';

type ValueOfReader<R> = R extends AsyncIterable<Message<infer T>> ? T : never;

declare module '../../src/index.js' {
  interface ValueTypes {
    point: { x: number; y: number };
  }
}

export function literalValueTypesTypeTheValues(): void {
  const text = new MessageReader({ valueType: 'text' });
  expectTypeOf<ValueOfReader<typeof text>>().toEqualTypeOf<string>();
  const bytes = new MessageReader({ valueType: 'byte_array' });
  expectTypeOf<ValueOfReader<typeof bytes>>().toEqualTypeOf<Uint8Array>();
  const unnamed = new MessageReader({ service: 's' });
  expectTypeOf<ValueOfReader<typeof unnamed>>().toEqualTypeOf<Uint8Array>();

  const writer = new MessageWriter({ valueType: 'text' });
  expectTypeOf(writer.publish).parameter(0).toEqualTypeOf<string>();
  // @ts-expect-error a text writer publishes strings
  void writer.publish(new Uint8Array(1));
  // @ts-expect-error a byte_array writer publishes bytes
  void new AsyncMessageWriter({ valueType: 'byte_array' }).publish('hello');

  const callbacks = new AsyncMessageReader({ valueType: 'text' });
  callbacks.onMessage = (message) => {
    expectTypeOf(message.value).toEqualTypeOf<string>();
  };
}

export function typeArgumentsAndSerializersStillWork(): void {
  const explicit = new MessageReader<string>({ service: 's' });
  expectTypeOf<ValueOfReader<typeof explicit>>().toEqualTypeOf<string>();
  const custom = new MessageReader({ valueDeserializer: (bytes) => bytes.length });
  expectTypeOf<ValueOfReader<typeof custom>>().toEqualTypeOf<number>();
  const fromVariable: ReaderOptions<string> = { valueType: 'text' };
  const widened = new MessageReader(fromVariable);
  expectTypeOf<ValueOfReader<typeof widened>>().toEqualTypeOf<string>();
}

export function pluginValueTypesJoinByDeclarationMerging(): void {
  const points = new MessageWriter({ valueType: 'point' });
  expectTypeOf(points.publish).parameter(0).toEqualTypeOf<{ x: number; y: number }>();
  const unknownPlugin = new MessageReader({ valueType: 'pigeon-photo' });
  expectTypeOf<ValueOfReader<typeof unknownPlugin>>().toEqualTypeOf<Uint8Array>();
}

export function builtInImageAndNdarrayTypeTheirValues(): void {
  const frames = new MessageReader({ valueType: 'image' });
  expectTypeOf<ValueOfReader<typeof frames>>().toEqualTypeOf<Image>();
  const arrays = new MessageWriter({ valueType: 'ndarray' });
  expectTypeOf(arrays.publish).parameter(0).toEqualTypeOf<Ndarray>();
}

export function typeAndValueTypeNameTheKnownOnes(): void {
  expectTypeOf<'mqtt'>().toExtend<ServiceTypeName>();
  expectTypeOf<'amqp-0.9.1'>().toExtend<ServiceTypeName>();
  expectTypeOf<'pigeon'>().toExtend<ServiceTypeName>();
  expectTypeOf<'text'>().toExtend<ValueTypeName>();
  // @ts-expect-error a service type is a name
  new MessageWriter({ type: 1 });
  // @ts-expect-error a value type is a name
  new MessageReader({ valueType: true });
  // typeSpec still follows a literal type
  // @ts-expect-error retain misspelt
  new MessageWriter({ type: 'mqtt', valueType: 'text', typeSpec: { retian: true } });
  new MessageWriter({ type: 'mqtt', valueType: 'text', typeSpec: { retain: true } });
}
