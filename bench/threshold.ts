/**
 * How the default "similar" threshold was chosen: FSIMc (the verdict's score) of every
 * same-scene pair (a TID2013 reference against its distortion, the other fixture
 * distortions) and of every different-scene pair (each TID2013 reference and distortion
 * against the other scenes). Prints both ranges and the gap between them.
 *   node dist/bench/threshold.js
 */
import { createFsim, decodeFile } from '../src/node/index.js';
import { fixture } from './common.js';

const scenes = ['I01', 'I03', 'I04', 'I06', 'I08', 'I19'];
const engine = await createFsim({ backend: 'cpu' });
const score = async (a: string, b: string) => (await engine.compare(await decodeFile(fixture(a)), await decodeFile(fixture(b)))).fsimc;

const same: [string, number][] = [];
for (const s of scenes) same.push([`${s} vs ${s}_dist`, await score(`${s}.bmp`, `${s}_dist.bmp`)]);
for (const [a, b] of [
  ['goldhill.png', 'goldhill_jpeg.png'],
  ['I01_crop383x511.png', 'I01_dist_crop383x511.png'],
  ['goldhill_crop255.png', 'goldhill_jpeg_crop255.png'],
  ['goldhill_crop300x401.png', 'goldhill_jpeg_crop300x401.png'],
  ['I01_640x1000.png', 'I01_dist_640x1000.png'],
]) {
  same.push([`${a} vs ${b}`, await score(a, b)]);
}
const different: [string, number][] = [];
for (let i = 0; i < scenes.length; i++) {
  for (let j = 0; j < scenes.length; j++) {
    if (i === j) continue;
    if (i < j) different.push([`${scenes[i]} vs ${scenes[j]}`, await score(`${scenes[i]}.bmp`, `${scenes[j]}.bmp`)]);
    different.push([`${scenes[i]}_dist vs ${scenes[j]}`, await score(`${scenes[i]}_dist.bmp`, `${scenes[j]}.bmp`)]);
  }
}
const shoe = await score('app_shoe.jpg', 'app_shoe1.jpg');
await engine.dispose();

const range = (v: [string, number][]) => {
  const sorted = [...v].sort((a, b) => a[1] - b[1]);
  return { min: sorted[0], max: sorted[sorted.length - 1], n: v.length };
};
const s = range(same),
  d = range(different);
console.log(`same scene      (${s.n} pairs): FSIMc ${s.min[1].toFixed(4)} (${s.min[0]}) … ${s.max[1].toFixed(4)} (${s.max[0]})`);
console.log(`different scene (${d.n} pairs): FSIMc ${d.min[1].toFixed(4)} (${d.min[0]}) … ${d.max[1].toFixed(4)} (${d.max[0]})`);
console.log(`gap: ${d.max[1].toFixed(4)} … ${s.min[1].toFixed(4)}, midpoint ${((d.max[1] + s.min[1]) / 2).toFixed(4)}`);
console.log(`two different boots in one pose (app_shoe vs app_shoe1): FSIMc ${shoe.toFixed(4)}`);
