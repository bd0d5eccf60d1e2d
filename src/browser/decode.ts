/**
 * Decoding in the browser, with the browser's codecs: pixels as stored (no colour management,
 * no EXIF rotation, alpha neither applied nor premultiplied), as the reference reads them and
 * as the Node path decodes them. Works in a page and in a Worker (OffscreenCanvas).
 */
import { FsimError } from '../errors.js';
import type { RasterImage } from '../image.js';
import { withStoredOrientation } from './orientation.js';

/**
 * The pixels of a bitmap exactly as decoded: a WebGL2 texture upload with premultiplication
 * and colour conversion off, read back. (A 2-D canvas stores premultiplied alpha, which
 * changes RGB wherever alpha < 255 — and alpha must be ignored, not applied.)
 */
function readPixelsExact(bitmap: ImageBitmap): Uint8Array | null {
  const { width, height } = bitmap;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl || width > gl.getParameter(gl.MAX_TEXTURE_SIZE) || height > gl.getParameter(gl.MAX_TEXTURE_SIZE)) return null;
  const texture = gl.createTexture();
  const framebuffer = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return null;
    // Texture row 0 is the image's top row and readPixels starts at row 0: no flip.
    const pixels = new Uint8Array(width * height * 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    return gl.getError() === gl.NO_ERROR ? pixels : null;
  } finally {
    gl.deleteFramebuffer(framebuffer);
    gl.deleteTexture(texture);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/** Through a 2-D canvas: exact for opaque images only (it premultiplies alpha). */
function readPixelsCanvas(bitmap: ImageBitmap, name: string): Uint8Array {
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new FsimError('INPUT', `${name}: no canvas to decode into`);
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  for (let p = 3; p < data.length; p += 4) {
    if (data[p] !== 255) throw new FsimError('INPUT', `${name}: has transparency, which this browser cannot decode exactly without WebGL2`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Decodes an encoded image with the browser's codecs, without colour management or alpha
 * premultiplication (both would change the pixel values the reference sees).
 */
export async function decodeBlob(blob: Blob, name = 'image'): Promise<RasterImage> {
  let bitmap: ImageBitmap;
  try {
    // Pixels as stored, as the reference reads them: no ICC conversion, no EXIF rotation
    // (browsers rotate whatever they are told, so the tag itself is neutralised first).
    const stored = withStoredOrientation(new Uint8Array(await blob.arrayBuffer()));
    bitmap = await createImageBitmap(new Blob([stored as Uint8Array<ArrayBuffer>]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new FsimError('INPUT', `${name}: not a decodable image (PNG, JPEG, BMP, GIF or WebP)`);
  }
  try {
    const { width, height } = bitmap;
    return { width, height, channels: 4, data: readPixelsExact(bitmap) ?? readPixelsCanvas(bitmap, name) };
  } finally {
    bitmap.close();
  }
}

/** Fetches and decodes `url`; messages name it as `name` (the URL as the caller wrote it, say). */
export async function decodeUrl(url: string, name = url): Promise<RasterImage> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new FsimError('INPUT', `${name}: cannot fetch (${error instanceof Error ? error.message : String(error)})`);
  }
  if (response.status === 404) throw new FsimError('INPUT', `${name}: not found (404)`);
  if (!response.ok) throw new FsimError('INPUT', `${name}: HTTP ${response.status}`);
  // A single-page app's server answers a missing file with its page (vite preview does): an
  // image URL that brings back HTML is a missing image, not an undecodable one.
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
    throw new FsimError('INPUT', `${name}: not found (404: the server answered with a web page, as it does for a missing file)`);
  }
  return decodeBlob(await response.blob(), name);
}
