/**
 * The hostile-input corpus: bad, odd and adversarial inputs built at test time, each with the
 * outcome it must get — accepted (and then scoring exactly 1 against itself) or an FsimError
 * of a given code and message. Formats, truncations, header lies, special files, sizes, raw
 * rasters and options. test/hostile.test.ts runs every case on both backends.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FsimErrorCode } from '../../src/errors.js';
import {
  compareFiles,
  CpuBackend,
  createFsim,
  decodeFile,
  decodeImage,
  Fsim,
  InlineExecutor,
  rank,
  type RasterImage,
} from '../../src/node/index.js';
import { encodeBmp } from './bmp.js';
import { testCard } from './bmpVariants.js';
import { greyPng, png, tiff } from './encode.js';

export type Outcome = 'accept' | { code: FsimErrorCode; message: RegExp };

export interface HostileCase {
  name: string;
  outcome: Outcome;
  /** Runs the case on an engine; an accepted case returns the image compared with itself. */
  run(engine: Fsim): Promise<{ fsim: number; fsimc: number } | undefined>;
}

const W = 16,
  H = 12;

/** A deterministic RGB card of W × H. */
function rgbCard(width = W, height = H): Buffer {
  return Buffer.from(testCard(width, height).rgb);
}

const raw = (channels: 1 | 3 | 4, width = W, height = H) => ({ raw: { width, height, channels } });

/** Every base file of the corpus, by format (the fuzzer mutates these too). */
export async function baseFiles(): Promise<Record<string, Buffer>> {
  const rgb = rgbCard();
  const grey = Buffer.from(Array.from({ length: W * H }, (_, i) => (i * 29) % 256));
  const rgba = Buffer.alloc(W * H * 4).map((_, i) => (i % 4 === 3 ? (i * 7) % 256 : rgb[Math.floor(i / 4) * 3 + (i % 4)]));
  const sixteen = Array.from({ length: W * H * 3 }, (_, i) => (i * 977) % 65536);
  return {
    'png-rgb8': await sharp(rgb, raw(3)).png().toBuffer(),
    'png-grey8': await sharp(grey, raw(1)).png().toBuffer(),
    'png-rgba8': await sharp(rgba, raw(4)).png().toBuffer(),
    'png-rgb16': png(W, H, 2, 16, sixteen),
    'png-grey16': png(W, H, 0, 16, sixteen.slice(0, W * H)),
    'png-rgba16': png(
      W,
      H,
      6,
      16,
      Array.from({ length: W * H * 4 }, (_, i) => (i * 613) % 65536),
    ),
    'png-grey-alpha': png(
      W,
      H,
      4,
      8,
      Array.from({ length: W * H * 2 }, (_, i) => (i * 31) % 256),
    ),
    'png-palette-transparency': await sharp(rgba, raw(4)).png({ palette: true, colours: 16, dither: 0 }).toBuffer(),
    'jpeg-rgb': await sharp(rgb, raw(3)).jpeg({ quality: 90 }).toBuffer(),
    'jpeg-grey': await sharp(grey, raw(1)).jpeg({ quality: 90 }).toBuffer(),
    gif: await sharp(rgb, raw(3)).gif().toBuffer(),
    'webp-lossless': await sharp(rgb, raw(3)).webp({ lossless: true }).toBuffer(),
    'webp-lossy': await sharp(rgb, raw(3)).webp({ quality: 80 }).toBuffer(),
    'tiff-rgb8': await sharp(rgb, raw(3)).tiff({ compression: 'lzw' }).toBuffer(),
    'tiff-rgb16': tiff(W, H, 3, 16, 1, sixteen),
    'tiff-grey16': tiff(W, H, 1, 16, 1, sixteen.slice(0, W * H)),
    avif: await sharp(rgb, raw(3)).avif({ quality: 80 }).toBuffer(),
    'bmp-24': Buffer.from(encodeBmp(testCard(W, H), { bitsPerPixel: 24 }).bytes),
    'bmp-32-bitfields-gap': Buffer.from(encodeBmp(testCard(W, H), { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff], gap: 40 }).bytes),
    'bmp-565': Buffer.from(encodeBmp(testCard(W, H), { bitsPerPixel: 16, masks: [0xf800, 0x07e0, 0x001f] }).bytes),
  };
}

function bmpWith(patches: [at: number, value: number, bytes?: 2 | 4][]): Buffer {
  const bytes = Buffer.from(encodeBmp(testCard(W, H), { bitsPerPixel: 24 }).bytes);
  for (const [at, value, size = 4] of patches) {
    if (size === 2) bytes.writeUInt16LE(value, at);
    else bytes.writeInt32LE(value | 0, at);
  }
  return bytes;
}

/** A GIF whose first frame descriptor claims another size (after the colour table and extensions). */
function gifFrameClaim(gif: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(gif);
  let at = 13 + (out[10] & 0x80 ? 3 * 2 ** ((out[10] & 7) + 1) : 0);
  while (out[at] === 0x21) {
    at += 2;
    while (out[at] !== 0) at += out[at] + 1;
    at++;
  }
  if (out[at] !== 0x2c) throw new Error('no image descriptor');
  out.writeUInt16LE(width, at + 5);
  out.writeUInt16LE(height, at + 7);
  return out;
}

const fail = (code: FsimErrorCode, message: RegExp): Outcome => ({ code, message });

function bytesCase(name: string, bytes: Uint8Array, outcome: Outcome): HostileCase {
  return {
    name,
    outcome,
    async run(engine) {
      const image = await decodeImage(bytes, name);
      return engine.compare(image, image);
    },
  };
}

function fileCase(name: string, path: string, outcome: Outcome): HostileCase {
  return {
    name,
    outcome,
    async run(engine) {
      const image = await decodeFile(path);
      return engine.compare(image, image);
    },
  };
}

function rasterCase(name: string, image: unknown, outcome: Outcome): HostileCase {
  return { name, outcome, run: (engine) => engine.compare(image as RasterImage, image as RasterImage) };
}

function callCase(name: string, outcome: Outcome, call: (engine: Fsim) => Promise<unknown>): HostileCase {
  return { name, outcome, run: async (engine) => void (await call(engine)) };
}

const big: RasterImage = { width: 2048, height: 2048, channels: 1, data: new Uint8Array(2048 * 2048) };
const card: RasterImage = { width: W, height: H, channels: 3, data: new Uint8Array(rgbCard()) };
const floats = (value: number): RasterImage => {
  const data = new Float32Array(W * H).fill(100);
  data[5] = value;
  return { width: W, height: H, channels: 1, data };
};

/** The corpus. `dir` is a scratch folder for files the cases need on disk. */
export async function hostileCorpus(dir: string): Promise<HostileCase[]> {
  const files = await baseFiles();
  const cases: HostileCase[] = [];

  // Every supported format and layout: accepted, and identical to itself.
  for (const [name, bytes] of Object.entries(files)) cases.push(bytesCase(`format ${name}`, bytes, 'accept'));
  cases.push(
    bytesCase(
      'format: a 3×3 PNG, the smallest accepted',
      greyPng(3, 3, (x, y) => x * 80 + y * 10),
      'accept',
    ),
  );
  cases.push(
    bytesCase(
      'format: a 3×1000 strip',
      greyPng(3, 1000, (x, y) => (x * 80 + y) % 256),
      'accept',
    ),
  );
  cases.push(
    bytesCase(
      'format: animated GIF (first frame)',
      await sharp(
        [
          await sharp(rgbCard(), raw(3)).png().toBuffer(),
          await sharp(Buffer.alloc(W * H * 3, 90), raw(3))
            .png()
            .toBuffer(),
        ],
        { join: { animated: true } },
      )
        .gif()
        .toBuffer(),
      'accept',
    ),
  );
  cases.push(
    bytesCase(
      'format: flat image (uniform pooling)',
      greyPng(W, H, () => 128),
      'accept',
    ),
  );

  // Not images, or not our formats: refused by their signature.
  const notImage = fail('INPUT', /not a supported image/);
  const svgBomb = `<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><filter id="f"><feGaussianBlur stdDeviation="500"/></filter><rect width="20000" height="20000" filter="url(#f)"/></svg>`;
  for (const [name, bytes] of [
    ['one byte', Buffer.from([0x42])],
    ['text', Buffer.from('hello, world\n')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['SVG with a heavy filter', Buffer.from(svgBomb)],
    ['PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')],
    ['HTML', Buffer.from('<!doctype html><img src=x onerror=alert(1)>')],
    ['ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(40).fill(0)])],
    ['ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, ...new Array(40).fill(0)])],
    [
      'HEIC (ftyp heic)',
      Buffer.from([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic'), ...new Array(16).fill(0)]),
    ],
    ['ICO', Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, ...new Array(40).fill(0)])],
    ['PSD', Buffer.from([...Buffer.from('8BPS'), 0, 1, ...new Array(40).fill(0)])],
    ['JPEG XL', Buffer.from([0xff, 0x0a, ...new Array(40).fill(0)])],
    ['random bytes', Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 7919 + 13) % 251))],
  ] as const)
    cases.push(bytesCase(`not an image: ${name}`, bytes, notImage));
  cases.push(bytesCase('not an image: empty', new Uint8Array(0), fail('INPUT', /empty file/)));

  // Truncated files: refused, never a partial image.
  const truncated = fail('INPUT', /truncated|corrupt|cannot read|not a supported|not a valid/);
  for (const [format, cuts] of [
    ['png-rgb8', [8, 20, 33, 0.5, 0.9]],
    ['jpeg-rgb', [3, 100, 0.5]],
    ['gif', [6, 13, 0.5]],
    ['webp-lossless', [12, 0.5]],
    ['tiff-rgb8', [8, 0.5]],
    ['tiff-rgb16', [0.5]],
    ['avif', [40, 0.5]],
    ['bmp-24', [14, 30, 60, 0.5]],
    ['png-rgb16', [0.6]],
  ] as const) {
    for (const cut of cuts) {
      const bytes = files[format];
      const at = cut < 1 ? Math.floor(bytes.length * cut) : cut;
      cases.push(bytesCase(`truncated ${format} at ${at} of ${bytes.length} bytes`, bytes.subarray(0, at), truncated));
    }
  }

  // Headers that lie.
  const pngClaim = (width: number, height: number) => png(W, H, 0, 8, new Array(W * H).fill(7), { width, height });
  cases.push(bytesCase('PNG claims 100000×100000', pngClaim(100000, 100000), fail('SIZE', /exceeds the 67108864-pixel limit/)));
  cases.push(bytesCase('PNG claims 8193×8192 (one column over the pixel limit)', pngClaim(8193, 8192), fail('SIZE', /8193×8192 exceeds/)));
  cases.push(bytesCase('PNG claims 0×0', pngClaim(0, 0), fail('INPUT', /cannot read the PNG header|invalid image dimensions/)));
  cases.push(bytesCase('PNG claims more rows than its data holds', pngClaim(W, 4000), truncated));
  cases.push(
    bytesCase(
      'GIF logical screen claims 65535×65535 (the frame is what counts)',
      Buffer.concat([files.gif.subarray(0, 6), Buffer.from([0xff, 0xff, 0xff, 0xff]), files.gif.subarray(10)]),
      'accept',
    ),
  );
  cases.push(
    bytesCase('GIF frame claims 65535×65535', gifFrameClaim(files.gif, 65535, 65535), fail('SIZE', /exceeds the 67108864-pixel limit/)),
  );
  cases.push(
    bytesCase(
      'BMP claims 100000×100000',
      bmpWith([
        [18, 100000],
        [22, 100000],
      ]),
      fail('SIZE', /exceeds the 67108864-pixel limit/),
    ),
  );
  cases.push(bytesCase('BMP pixel offset past the end', bmpWith([[10, 1 << 20]]), fail('INPUT', /truncated BMP/)));
  cases.push(bytesCase('BMP pixel offset inside the header', bmpWith([[10, 30]]), fail('INPUT', /points into its headers/)));
  cases.push(bytesCase('BMP negative width', bmpWith([[18, -16]]), fail('INPUT', /invalid BMP dimensions/)));
  cases.push(bytesCase('BMP 7 bits per pixel', bmpWith([[28, 7, 2]]), fail('INPUT', /unsupported BMP bit depth 7/)));
  cases.push(bytesCase('BMP RLE8', bmpWith([[30, 1]]), fail('INPUT', /RLE8-compressed BMP is not supported/)));
  cases.push(bytesCase('BMP header size 0', bmpWith([[14, 0]]), fail('INPUT', /unsupported BMP header/)));
  cases.push(bytesCase('BMP header size 2^31', bmpWith([[14, 0x7fffffff]]), fail('INPUT', /unsupported BMP header/)));
  const tenBitMasks = Buffer.from(encodeBmp(testCard(W, H), { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] }).bytes);
  [0x3ff00000, 0xffc00, 0x3ff].forEach((mask, k) => {
    tenBitMasks.writeUInt32LE(mask, 54 + 4 * k);
  });
  cases.push(bytesCase('BMP 10-bit masks', tenBitMasks, fail('INPUT', /wider than 8 bits/)));
  cases.push(
    bytesCase(
      'TIFF of 32-bit float samples (never gamma-converted)',
      tiff(W, H, 3, 32, 3, new Array(W * H * 3).fill(0.5)),
      fail('INPUT', /32-bit float samples are not supported/),
    ),
  );
  cases.push(
    bytesCase(
      'TIFF of signed 16-bit samples',
      tiff(W, H, 1, 16, 2, new Array(W * H).fill(-5)),
      fail('INPUT', /signed 16-bit samples are not supported/),
    ),
  );
  cases.push(
    bytesCase(
      'TIFF of 32-bit unsigned samples',
      tiff(W, H, 1, 32, 1, new Array(W * H).fill(5)),
      fail('INPUT', /32-bit unsigned samples are not supported/),
    ),
  );

  // Special files and paths.
  mkdirSync(dir, { recursive: true });
  const at = (name: string) => join(dir, name);
  execFileSync('mkfifo', [at('fifo.png')]);
  writeFileSync(at('good.png'), files['png-rgb8']);
  writeFileSync(at('line\nbreak.png'), files['png-rgb8']);
  symlinkSync(at('loop-a'), at('loop-b'));
  symlinkSync(at('loop-b'), at('loop-a'));
  symlinkSync(at('missing-target'), at('dangling.png'));
  // A sparse file over the byte limit: refused on its size, before a byte is read.
  execFileSync('truncate', ['-s', '600M', at('huge.png')]);
  const notRegular = fail('INPUT', /not a regular file/);
  cases.push(fileCase('a FIFO', at('fifo.png'), notRegular));
  cases.push(fileCase('/dev/zero', '/dev/zero', notRegular));
  cases.push(fileCase('/dev/null', '/dev/null', notRegular));
  cases.push(fileCase('/dev/urandom', '/dev/urandom', notRegular));
  cases.push(fileCase('a directory', dir, fail('INPUT', /is a directory/)));
  cases.push(fileCase('a missing file', at('nope.png'), fail('INPUT', /no such file/)));
  cases.push(fileCase('an empty path', '', fail('INPUT', /^\(empty path\): no such file/)));
  cases.push(fileCase('a symlink loop', at('loop-a'), fail('INPUT', /too many symbolic links/)));
  cases.push(fileCase('a dangling symlink', at('dangling.png'), fail('INPUT', /no such file/)));
  cases.push(fileCase('a 600 MB file', at('huge.png'), fail('SIZE', /over the 536870912-byte limit/)));
  cases.push(fileCase('a file name with a newline', at('line\nbreak.png'), 'accept'));
  cases.push(fileCase('a path through a file', join(at('good.png'), 'x.png'), fail('INPUT', /no such file/)));
  cases.push(fileCase('an over-long file name', at('x'.repeat(300)), fail('INPUT', /file name too long/)));

  // Sizes.
  cases.push(
    bytesCase(
      'a 2×2 image',
      greyPng(2, 2, () => 9),
      fail('SIZE', /2×2 is smaller than the 3×3 minimum/),
    ),
  );
  cases.push(
    bytesCase(
      'a 1×100 image',
      greyPng(1, 100, () => 9),
      fail('SIZE', /1×100 is smaller/),
    ),
  );
  cases.push(
    callCase('images of different sizes', fail('SIZE_MISMATCH', /size 16×11 differs from the reference 16×12/), (e) =>
      e.compare(card, { ...card, height: H - 1, data: card.data.subarray(0, W * (H - 1) * 3) }),
    ),
  );
  cases.push(
    callCase('a forced scale that leaves under 3×3', fail('SIZE', /scale 6 leaves 2×3/), (e) => e.compare(card, card, { scale: 6 })),
  );

  cases.push(
    callCase(
      'a comparison over the CPU memory budget',
      fail('SIZE', /2048×2048 pixels at F = 1 need about 0\.6 GiB on the CPU path, over its 0\.5 GiB memory budget/),
      () => new Fsim(new CpuBackend(new InlineExecutor(), { memoryBudget: 2 ** 29 })).compare(big, big, { scale: 1 }),
    ),
  );

  // Rasters through the API.
  cases.push(rasterCase('raster: null', null, fail('INPUT', /expected an image/)));
  cases.push(rasterCase('raster: a string', 'image.png', fail('INPUT', /expected an image/)));
  cases.push(rasterCase('raster: no data', { width: W, height: H, channels: 3 }, fail('INPUT', /data must be a Uint8Array/)));
  cases.push(rasterCase('raster: data as a plain array', { ...card, data: [...card.data] }, fail('INPUT', /data must be a Uint8Array/)));
  cases.push(rasterCase('raster: Int8Array data', { ...card, data: new Int8Array(W * H * 3) }, fail('INPUT', /data must be a Uint8Array/)));
  cases.push(rasterCase('raster: too few samples', { ...card, data: card.data.subarray(1) }, fail('INPUT', /575 samples for 16×12×3/)));
  cases.push(rasterCase('raster: 2 channels', { ...card, channels: 2 }, fail('INPUT', /channels must be 1, 3 or 4/)));
  cases.push(rasterCase('raster: width 1.5', { ...card, width: 1.5 }, fail('SIZE', /invalid dimensions/)));
  cases.push(rasterCase('raster: width NaN', { ...card, width: NaN }, fail('SIZE', /invalid dimensions/)));
  cases.push(rasterCase('raster: 0×0', { width: 0, height: 0, channels: 1, data: new Uint8Array(0) }, fail('SIZE', /empty/)));
  cases.push(
    rasterCase('raster: 8193×8192 claimed', { width: 8193, height: 8192, channels: 1, data: new Uint8Array(9) }, fail('SIZE', /exceeds/)),
  );
  for (const [label, value] of [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['1e30', 1e30],
    ['-1', -1],
    ['255.5', 255.5],
  ] as const) {
    cases.push(
      rasterCase(
        `raster: a float sample of ${label}`,
        floats(value),
        fail('INPUT', /float sample 5 is .*; float samples must be finite and within \[0, 255\]/),
      ),
    );
  }
  cases.push(rasterCase('raster: float samples in range', floats(254.75), 'accept'));
  cases.push(
    rasterCase(
      'raster: 16-bit samples',
      { width: W, height: H, channels: 3, data: new Uint16Array(W * H * 3).map((_, i) => (i * 977) % 65536) },
      'accept',
    ),
  );
  cases.push(
    rasterCase(
      'raster: RGBA with alpha 0 everywhere',
      { width: W, height: H, channels: 4, data: new Uint8Array(W * H * 4).map((_, i) => (i % 4 === 3 ? 0 : i % 251)) },
      'accept',
    ),
  );

  // Options, each named in its error.
  const usage = (name: string) => fail('USAGE', new RegExp(name));
  for (const [label, threads] of [
    ['NaN', NaN],
    ['0', 0],
    ['1e6', 1e6],
    ['Infinity', Infinity],
    ['-1', -1],
    ['1.5', 1.5],
    ["'2'", '2'],
  ] as const) {
    cases.push(
      callCase(`option threads: ${label}`, usage('threads must be an integer from 1 to 64'), () =>
        createFsim({ backend: 'cpu', threads: threads as number }),
      ),
    );
  }
  cases.push(
    callCase('option backend: quantum', usage("backend must be cpu, gpu or auto, got 'quantum'"), () =>
      createFsim({ backend: 'quantum' as 'cpu' }),
    ),
  );
  cases.push(
    callCase('option limits: huge', usage("limits must be adapter or default, got 'huge'"), () =>
      createFsim({ limits: 'huge' as 'default' }),
    ),
  );
  cases.push(callCase('engine options: null', usage('createFsim options must be an object, got null'), () => createFsim(null as never)));
  cases.push(
    callCase('compare options: null', usage('compare options must be an object, got null'), (e) => e.compare(card, card, null as never)),
  );
  cases.push(
    callCase('compare options: an array', usage('compare options must be an object, got an array'), (e) =>
      e.compare(card, card, [] as never),
    ),
  );
  cases.push(
    callCase('compare options: a misspelt name', usage("unknown compare option 'treshold'"), (e) =>
      e.compare(card, card, { treshold: 0.9 } as never),
    ),
  );
  for (const [label, scale] of [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ["'big'", 'big'],
    ['NaN', NaN],
  ] as const) {
    cases.push(callCase(`option scale: ${label}`, usage('scale must be'), (e) => e.compare(card, card, { scale: scale as number })));
  }
  for (const [label, threshold] of [
    ['2', 2],
    ['NaN', NaN],
    ["'0.5'", '0.5'],
    ['-0.1', -0.1],
  ] as const) {
    cases.push(
      callCase(`option threshold: ${label}`, usage('threshold must be a number in \\[0, 1\\]'), (e) =>
        e.compare(card, card, { threshold: threshold as number }),
      ),
    );
  }
  cases.push(callCase('option maps: "yes"', usage('maps must be true or false'), (e) => e.compare(card, card, { maps: 'yes' as never })));
  cases.push(callCase('option progress: 5', usage('progress must be a function'), (e) => e.compare(card, card, { progress: 5 as never })));
  const candidates = [{ name: 'card', load: async () => card }];
  for (const [label, options, pattern] of [
    ['lookahead NaN', { lookahead: NaN }, 'lookahead must be an integer from 1 to 64'],
    ['lookahead 0', { lookahead: 0 }, 'lookahead must be an integer from 1 to 64'],
    ['top NaN', { top: NaN }, 'top must be an integer'],
    ['top -1', { top: -1 }, 'top must be an integer'],
    ["by 'bogus'", { by: 'bogus' }, "by must be fsim or fsimc, got 'bogus'"],
    ['signal {}', { signal: {} }, 'signal must be an AbortSignal'],
  ] as const) {
    cases.push(callCase(`rank option ${label}`, usage(pattern), (e) => rank(e, card, candidates, options as never)));
  }
  cases.push(callCase('rank candidates: null', usage('candidates must be an iterable'), (e) => rank(e, card, null as never)));
  cases.push(
    callCase('rank candidate without load()', usage('candidate 0 must be an object'), (e) => rank(e, card, [{ name: 'x' }] as never)),
  );
  cases.push(
    callCase('compareFiles options: threads Infinity', usage('threads must be an integer'), () =>
      compareFiles(at('good.png'), at('good.png'), { threads: Infinity }),
    ),
  );
  cases.push(
    callCase('compareFiles options: unknown name', usage("unknown compareFiles option 'colour'"), () =>
      compareFiles(at('good.png'), at('good.png'), { colour: false } as never),
    ),
  );
  return cases;
}

/** A small deterministic PRNG (mulberry32), so every fuzz run sees the same inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random mutation of a file: bit flips, overwritten runs, inserted or deleted bytes, a cut. */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(bytes);
  const edits = 1 + Math.floor(random() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(random() * out.length);
    const kind = Math.floor(random() * 5);
    if (kind === 0) out[at] ^= 1 << Math.floor(random() * 8);
    else if (kind === 1) for (let j = 0; j < 8 && at + j < out.length; j++) out[at + j] = Math.floor(random() * 256);
    else if (kind === 2) out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)));
    else if (kind === 3) out.splice(at, 1 + Math.floor(random() * 16));
    else out.length = Math.max(1, at);
  }
  return Uint8Array.from(out);
}
