/**
 * `value_type: image` at camera size: encode and decode of one 640x480 RGB frame through the
 * value type (fast-png, jpeg-js), as PNG at OpenCV's default level 1 and at level 6, and as
 * JPEG at OpenCV's default quality 95. The frame is a gradient with noise, between a flat
 * test card (compresses to nothing) and sensor noise (does not compress).
 * Run: npx tsx bench/image.ts
 */
import type { ValueTypeCodec } from '../src/spi/types.js';
import { type Image, imageValueType } from '../src/value-types/image.js';

const WIDTH = 640;
const HEIGHT = 480;

function frame(): Image {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  let state = 12345;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const at = (y * WIDTH + x) * 3;
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const noise = (state >>> 24) % 16;
      data[at] = ((x * 255) / WIDTH + noise) & 0xff;
      data[at + 1] = ((y * 255) / HEIGHT + noise) & 0xff;
      data[at + 2] = (((x + y) * 255) / (WIDTH + HEIGHT) + noise) & 0xff;
    }
  }
  return { width: WIDTH, height: HEIGHT, channels: 3, data };
}

/**
 * Milliseconds per call, wall clock and this process's CPU time (the latter is what an idle
 * machine's wall clock would show when other processes share the cores), the median of a few
 * batches after a warm-up.
 */
function msPerCall(run: () => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < 3; i++) run();
  const batches: { wall: number; cpu: number }[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < 5; i++) run();
    const cpu = process.cpuUsage(cpuStart);
    batches.push({
      wall: (performance.now() - start) / 5,
      cpu: (cpu.user + cpu.system) / 1000 / 5,
    });
  }
  return batches.sort((a, b) => a.cpu - b.cpu)[2]!;
}

const logger = { warn: (message: string) => console.warn(message) };
const codecs: Array<readonly [string, ValueTypeCodec<Image>]> = [
  ['PNG level 1 (default)', imageValueType],
  ['PNG level 6', imageValueType.withArgs!({ img_format: '.png', img_params: [16, 6] }, logger)],
  [
    'JPEG quality 95',
    imageValueType.withArgs!({ img_format: '.jpg', img_params: [1, 95] }, logger),
  ],
];

const image = frame();
const rows = [['codec', 'bytes', 'encode ms', 'decode ms', 'encode cpu ms', 'decode cpu ms']];
for (const [name, codec] of codecs) {
  const bytes = codec.serialize(image);
  const encode = msPerCall(() => codec.serialize(image));
  const decode = msPerCall(() => codec.deserialize(bytes));
  rows.push([
    name,
    String(bytes.length),
    encode.wall.toFixed(1),
    decode.wall.toFixed(1),
    encode.cpu.toFixed(1),
    decode.cpu.toFixed(1),
  ]);
}
console.log(`640x480 RGB frame, Node ${process.version}`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 0 ? 24 : 15)).join(''));
