/**
 * Peak memory of the worst accepted inputs: the whole `fsim compare` process under
 * /usr/bin/time -v (maximum resident set size), CPU backend, default scale.
 *   npm run bench:memory [-- --only NAME]
 * The inputs are made in a temporary folder: an 8192 × 8192 16-bit RGBA PNG (the most
 * pixels, the widest samples), an 8192 × 8192 24-bit BMP (the largest raster read as is),
 * and an 8192 × 8192 8-bit PNG of zeros (a decompression bomb: 260 KB on disk).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { fixture, flag, machine } from './common.js';

const SIDE = 8192;
const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');

async function inputs(dir: string): Promise<Record<string, string>> {
  const photo = sharp(fixture('I01_x2.png'), { limitInputPixels: false }).resize(SIDE, SIDE, { fit: 'fill' });
  const paths = {
    'PNG 16-bit RGBA 8192×8192': join(dir, 'rgba16.png'),
    'BMP 24-bit 8192×8192': join(dir, 'rgb24.bmp'),
    'PNG 8-bit grey 8192×8192 of zeros': join(dir, 'zeros.png'),
  };
  await photo.clone().ensureAlpha().toColourspace('rgb16').png({ compressionLevel: 6 }).toFile(paths['PNG 16-bit RGBA 8192×8192']);
  await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: { r: 0, g: 0, b: 0 } }, limitInputPixels: false })
    .toColourspace('b-w')
    .png()
    .toFile(paths['PNG 8-bit grey 8192×8192 of zeros']);
  // BMP by hand (libvips writes none): the photo's pixels, bottom-up BGR rows.
  const { data } = await photo.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const stride = SIDE * 3;
  const bmp = Buffer.alloc(54 + stride * SIDE);
  bmp.write('BM', 0, 'ascii');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(SIDE, 18);
  bmp.writeInt32LE(SIDE, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  for (let y = 0; y < SIDE; y++) {
    const row = 54 + (SIDE - 1 - y) * stride;
    for (let x = 0; x < SIDE; x++) {
      const s = (y * SIDE + x) * 3;
      bmp[row + 3 * x] = data[s + 2];
      bmp[row + 3 * x + 1] = data[s + 1];
      bmp[row + 3 * x + 2] = data[s];
    }
  }
  writeFileSync(paths['BMP 24-bit 8192×8192'], bmp);
  return paths;
}

function measure(file: string): { rssMiB: number; seconds: number; exit: number | null; out: string } {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, 'compare', file, file, '--backend', 'cpu', '--json'], {
    encoding: 'utf8',
  });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { rssMiB: rss / 1024, seconds, exit: r.status, out: r.stdout.trim() };
}

const dir = mkdtempSync(join(tmpdir(), 'fsim-memory-'));
try {
  const only = flag('only');
  console.log(`# peak memory of the worst accepted inputs (fsim compare X X --backend cpu, scale auto)\n${machine()}\n`);
  console.log('| input | file size | exit | max RSS | wall time | score |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, path] of Object.entries(await inputs(dir))) {
    if (only && !name.includes(only)) continue;
    const m = measure(path);
    const score = m.exit === 0 ? `FSIM ${JSON.parse(m.out).fsim}` : m.out;
    console.log(
      `| ${name} | ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB | ${m.exit} | ${m.rssMiB.toFixed(0)} MiB | ${m.seconds.toFixed(1)} s | ${score} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
