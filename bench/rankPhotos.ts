/**
 * A photo folder, as users rank one: 39 camera-size JPEGs (4000×3000, quality 92, made from the
 * fixtures' photos with per-file noise and cached in the temporary folder), scored against one
 * of them (scale auto: F = 12, the CPU path) three ways — `fsim rank REF DIR`, `fsim compare
 * --pairs` of the same pairs, and POST /v1/rank to a warm `fsim serve` (the uploads included) —
 * beside a loop that only decodes them (decodeFile, two at a time, as sharp is used), in one
 * run, alternating; medians. The CLI sides and the decode-only loop are fresh processes.
 * `npm run bench:rank` runs it, then bench/rank.ts.
 * --before DIR adds `fsim rank` of another (built) checkout, for a before/after in one run.
 *   node dist/bench/rankPhotos.js [--photos 39] [--rounds 3] [--before DIR]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { startServe } from '../scripts/serveProcess.js';
import { decodeFile } from '../src/node/decode.js';
import { fixture, flag, machine, median } from './common.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/fsim.js');
const photos = Number(flag('photos') ?? 39);
const rounds = Number(flag('rounds') ?? 3);
const WIDTH = 4000;
const HEIGHT = 3000;

/** The folder of photos, made once per machine. */
async function photoFolder(): Promise<string> {
  const dir = join(tmpdir(), `fsim-photos-${photos}-${WIDTH}x${HEIGHT}`);
  if (existsSync(dir) && readdirSync(dir).length === photos) return dir;
  mkdirSync(dir, { recursive: true });
  const sources = ['I01_x2.png', 'I01_dist_x2.png', 'goldhill_x3.png', 'goldhill_jpeg_x3.png', 'app_shoe.jpg', 'app_printer2.jpg'];
  for (let k = 0; k < photos; k++) {
    const base = await sharp(fixture(sources[k % sources.length]))
      .removeAlpha()
      .resize(WIDTH, HEIGHT, { fit: 'fill' })
      .raw()
      .toBuffer();
    // Per-file noise, so that no two photos are alike.
    for (let i = 0; i < base.length; i += 97) base[i] = Math.max(0, Math.min(255, base[i] + ((i * 31 + k * 7) % 21) - 10));
    await sharp(base, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .jpeg({ quality: 92 })
      .toFile(join(dir, `photo-${String(k).padStart(2, '0')}.jpg`));
  }
  return dir;
}

const dir = await photoFolder();
const files = readdirSync(dir)
  .sort()
  .map((f) => join(dir, f));

if (process.argv.includes('--decode-only')) {
  // The decode-only side, in its own process: every file decoded, two at a time.
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < files.length) await decodeFile(files[next++]);
    }),
  );
  process.exit(0);
}

const seconds = (args: string[]) => {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return { s: (performance.now() - started) / 1000, out: r.stdout };
};

const pairsFile = join(dir, '..', `fsim-photos-${photos}.csv`);
writeFileSync(pairsFile, `ref,dist\n${files.map((f) => `${files[0]},${f}`).join('\n')}\n`);
// A warm `fsim serve` (CPU path, uploads up to 1 GiB).
const server = await startServe(BIN, ['--port', '0', '--backend', 'cpu', '--max-upload', '1024']);
const form = new FormData();
form.append('reference', new Blob([readFileSync(files[0])]), 'reference.jpg');
for (const file of files) form.append('candidates', new Blob([readFileSync(file)]), file.split('/').pop());
const viaServer = async () => {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/rank`, { method: 'POST', body: form });
  const body = (await response.json()) as { results: { fsim: number; fsimc: number }[] };
  if (response.status !== 200) throw new Error(`/v1/rank: ${response.status} ${JSON.stringify(body)}`);
  return { s: (performance.now() - started) / 1000, body };
};

console.log(`${photos} ${WIDTH}×${HEIGHT} JPEGs (scale auto: F = 12), ${rounds} rounds, alternating, on ${machine()}`);
const before = flag('before');
const times: Record<string, number[]> = { decode: [], before: [], rank: [], pairs: [], server: [] };
let ranked = '';
let paired = '';
let served: { results: { fsim: number; fsimc: number }[] } | undefined;
for (let round = 0; round < rounds; round++) {
  times.decode.push(seconds([import.meta.filename, '--decode-only', '--photos', String(photos)]).s);
  if (before) times.before.push(seconds([join(resolve(before), 'bin/fsim.js'), 'rank', files[0], dir, '--backend', 'cpu', '--json']).s);
  const r = seconds([BIN, 'rank', files[0], dir, '--backend', 'cpu', '--json']);
  times.rank.push(r.s);
  ranked = r.out;
  const p = seconds([BIN, 'compare', '--pairs', pairsFile, '--backend', 'cpu', '--json']);
  times.pairs.push(p.s);
  paired = p.out;
  const v = await viaServer();
  times.server.push(v.s);
  served = v.body;
}
await server.stop();
const rankJson = JSON.parse(ranked) as { results: { fsim: number; fsimc: number }[]; errors: unknown[]; backend: string };
// The three give the same scores, bit for bit.
const key = (rows: { fsim: number; fsimc: number }[]) =>
  rows
    .map((r) => `${r.fsim}/${r.fsimc}`)
    .sort()
    .join(',');
const pairRows = paired
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { fsim: number; fsimc: number });
if (key(rankJson.results) !== key(pairRows) || key(rankJson.results) !== key(served!.results))
  throw new Error('rank, --pairs and /v1/rank disagree');
const decode = median(times.decode);
console.log(`| what | wall (median) | ÷ decode-only |`);
console.log('| --- | --- | --- |');
console.log(`| decode only (decodeFile, two at a time) | ${decode.toFixed(2)} s | 1.00 |`);
if (before)
  console.log(
    `| before (${before}): fsim rank REF DIR --backend cpu | ${median(times.before).toFixed(2)} s | ${(median(times.before) / decode).toFixed(2)} |`,
  );
for (const [what, name] of [
  ['rank', `fsim rank REF DIR --backend cpu (${rankJson.results.length} ranked; ${rankJson.backend})`],
  ['pairs', 'fsim compare --pairs (REF, each photo) --backend cpu'],
  ['server', 'POST /v1/rank to a warm fsim serve (uploads included)'],
] as const)
  console.log(`| ${name} | ${median(times[what]).toFixed(2)} s | ${(median(times[what]) / decode).toFixed(2)} |`);
console.log('(rank, --pairs and /v1/rank gave the same scores, bit for bit)');
