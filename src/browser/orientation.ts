/**
 * Browsers rotate images by their EXIF orientation whatever createImageBitmap is told
 * (Chromium reads imageOrientation 'none' as 'from-image'); the reference, and the Node path,
 * read pixels as stored. So before the browser decodes a file, its EXIF Orientation tag is
 * set to 1 ("as stored") in a copy of the bytes: in a JPEG's APP1 segment, a PNG's eXIf chunk
 * (its CRC recomputed) or a WebP's EXIF chunk.
 */

const ORIENTATION_TAG = 0x0112;

/** Sets Orientation to 1 in the TIFF structure at `at`; true when it changed anything. */
function patchTiff(bytes: Uint8Array, at: number, end: number): boolean {
  if (at + 8 > end) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[at] === 0x49 && bytes[at + 1] === 0x49;
  if (!little && !(bytes[at] === 0x4d && bytes[at + 1] === 0x4d)) return false;
  const ifd = at + view.getUint32(at + 4, little);
  if (ifd + 2 > end) return false;
  const count = view.getUint16(ifd, little);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + 12 * k;
    if (entry + 12 > end) return false;
    // Orientation is one SHORT, stored in the entry's value field.
    if (view.getUint16(entry, little) === ORIENTATION_TAG && view.getUint16(entry + 2, little) === 3) {
      if (view.getUint16(entry + 8, little) === 1) return false;
      view.setUint16(entry + 8, 1, little);
      return true;
    }
  }
  return false;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

function patchJpeg(bytes: Uint8Array): boolean {
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan: no metadata after it
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker === 0xe1 && ascii(bytes, at + 4, 6) === 'Exif\0\0')
      return patchTiff(bytes, at + 10, Math.min(bytes.length, at + 2 + length));
    at += 2 + length;
  }
  return false;
}

function patchPng(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'IDAT' || type === 'IEND' || at + 12 + length > bytes.length) break;
    if (type === 'eXIf') {
      if (!patchTiff(bytes, at + 8, at + 8 + length)) return false;
      view.setUint32(at + 8 + length, crc32(bytes.subarray(at + 4, at + 8 + length)));
      return true;
    }
    at += 12 + length;
  }
  return false;
}

function patchWebp(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at + 4, true);
    if (ascii(bytes, at, 4) === 'EXIF') {
      const start = ascii(bytes, at + 8, 6) === 'Exif\0\0' ? at + 14 : at + 8;
      return patchTiff(bytes, start, Math.min(bytes.length, at + 8 + length));
    }
    at += 8 + length + (length & 1);
  }
  return false;
}

/** The bytes with any EXIF orientation made "as stored"; the input itself when there is none. */
export function withStoredOrientation(input: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(input);
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG';
  const isWebp = ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP';
  const changed = isJpeg ? patchJpeg(bytes) : isPng ? patchPng(bytes) : isWebp ? patchWebp(bytes) : false;
  return changed ? bytes : input;
}
