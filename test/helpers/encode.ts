/** Small encoders for test inputs that no fixture covers (hand-built headers, odd formats). */
import { crc32, deflateSync } from 'node:zlib';

/** An 8-bit palette BMP (BITMAPINFOHEADER, bottom-up, rows padded to 4 bytes). */
export function paletteBmp(width: number, height: number, palette: [number, number, number][], indices: Uint8Array): Uint8Array {
  const rowBytes = Math.ceil(width / 4) * 4;
  const offset = 14 + 40 + 256 * 4;
  const size = offset + rowBytes * height;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = 0x42; out[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 8, true);
  view.setUint32(46, 256, true);
  palette.forEach(([r, g, b], k) => {
    out[54 + 4 * k] = b; out[55 + 4 * k] = g; out[56 + 4 * k] = r;
  });
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) out[row + x] = indices[y * width + x];
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of any colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA) and depth 8 or 16, from
 * interleaved samples; `claim` overrides the dimensions written in the header.
 */
export function png(
  width: number, height: number, colourType: 0 | 2 | 4 | 6, bitDepth: 8 | 16, samples: ArrayLike<number>,
  claim?: { width: number; height: number },
): Buffer {
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
  const bytesPerSample = bitDepth / 8;
  const stride = width * channels * bytesPerSample;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) for (let k = 0; k < width * channels; k++) {
    const v = samples[y * width * channels + k];
    const at = y * (stride + 1) + 1 + k * bytesPerSample;
    if (bitDepth === 16) raw.writeUInt16BE(v, at);
    else raw[at] = v;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(claim?.width ?? width, 0);
  ihdr.writeUInt32BE(claim?.height ?? height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A greyscale 8-bit PNG of value(x, y). */
export function greyPng(width: number, height: number, value: (x: number, y: number) => number): Buffer {
  const samples = Array.from({ length: width * height }, (_, i) => value(i % width, Math.floor(i / width)));
  return png(width, height, 0, 8, samples);
}
