/** Drawing the compare view: scores, verdict, the alignment note, and the maps at any zoom. */
import { alignImage, colourise, describeResized, maxOf, type RasterImage, type Resized } from '../src/browser/index.js';
import { options } from './controls.js';
import { drawRaster } from './dom.js';
import { $, page } from './state.js';

/** A high percentile as the colour scale's top, so one outlier does not darken the map. */
function scaleTop(values: Float32Array, fraction = 0.995): number {
  const step = Math.max(1, Math.floor(values.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) sample.push(values[i]);
  sample.sort((x, y) => x - y);
  return sample[Math.min(sample.length - 1, Math.floor(sample.length * fraction))] || maxOf(values);
}

function drawMap(canvas: HTMLCanvasElement, values: Float32Array, width: number, height: number, max: number): void {
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(colourise(values, max, 4), width, height), 0, 0);
}

/**
 * No score of an earlier pair stays on screen next to new images: scores, note and maps are
 * cleared whenever an image changes or a comparison starts, and stay cleared if it fails.
 */
export function clearResult(): void {
  page.result = null;
  page.runId++; // a comparison still running is for images no longer shown
  for (const id of ['fsim', 'fsimc', 'verdict', 'time', 'size']) $(`[data-testid="${id}"]`).textContent = '–';
  delete $('[data-testid="verdict"]').dataset.similar;
  $('[data-testid="align-note"]').hidden = true;
  $('.legend').hidden = true;
  for (const id of ['view-a', 'view-b']) {
    const canvas = $(`[data-testid="${id}"]`) as HTMLCanvasElement;
    canvas.width = canvas.height = 0;
  }
}

export function renderScores(): void {
  const { result } = page;
  if (!result) return;
  const { colour, threshold } = options();
  const score = colour ? result.fsimc : result.fsim;
  const similar = score >= threshold;
  $('[data-testid="fsim"]').textContent = result.fsim.toFixed(6);
  $('[data-testid="fsimc"]').textContent = colour ? result.fsimc.toFixed(6) : 'off';
  const verdict = $('[data-testid="verdict"]');
  verdict.textContent = similar ? 'similar' : 'not similar';
  verdict.dataset.similar = String(similar);
  $('[data-testid="backend"]').textContent = result.backend;
  const gpu = result.timings.gpu !== undefined ? `, GPU ${result.timings.gpu.toFixed(1)} ms` : '';
  $('[data-testid="time"]').textContent = `${(result.timings.total ?? 0).toFixed(0)} ms${gpu}`;
  $('[data-testid="size"]').textContent =
    `${result.size[1]}×${result.size[0]} → F = ${result.scale} → ${result.downsampled[1]}×${result.downsampled[0]}`;
  const resized = Object.entries(result.resized ?? {});
  const note = $('[data-testid="align-note"]');
  note.hidden = resized.length === 0;
  note.textContent = resized.length
    ? `Sizes differ, so FSIM compared resampled images: ${resized.map(([side, r]) => `the ${side} image ${describeResized(r)}`).join('; ')}.`
    : '';
}

export function renderView(): void {
  const { result, slots, view, zoom } = page;
  const a = $('[data-testid="view-a"]') as HTMLCanvasElement;
  const b = $('[data-testid="view-b"]') as HTMLCanvasElement;
  const legend = $('.legend');
  if (!result?.maps || !slots.ref || !slots.dist) return;
  const [h, w] = result.downsampled;
  const { pc1, pc2, gm1, gm2, similarity } = result.maps;
  b.hidden = false;
  legend.hidden = view === 'images';
  const what = $('.what', legend);
  if (view === 'images') {
    // What FSIM compared: each side as aligned, when it was.
    const shown = (image: RasterImage, resized?: Resized) => (resized ? alignImage(image, resized.to, resized.mode).image : image);
    drawRaster(a, shown(slots.ref.image, result.resized?.reference));
    drawRaster(b, shown(slots.dist.image, result.resized?.distorted));
  } else if (view === 'pc') {
    drawMap(a, pc1, w, h, 1);
    drawMap(b, pc2, w, h, 1);
    what.textContent = 'phase congruency of each image (0 … 1)';
    $('.hi', legend).textContent = '1';
  } else if (view === 'gm') {
    const max = Math.max(scaleTop(gm1), scaleTop(gm2));
    drawMap(a, gm1, w, h, max);
    drawMap(b, gm2, w, h, max);
    what.textContent = 'Scharr gradient magnitude, one scale for both';
    $('.hi', legend).textContent = max.toFixed(0);
  } else {
    const values = view === 'similarity' ? similarity : similarity.map((s, i) => Math.max(pc1[i], pc2[i]) - s);
    const max = scaleTop(values);
    drawMap(a, values, w, h, max);
    b.hidden = true;
    what.textContent =
      view === 'similarity' ? 'S_L · PCm: local similarity weighted by feature strength' : 'PCm · (1 − S_L): where the images differ';
    $('.hi', legend).textContent = max.toFixed(2);
  }
  // Show every canvas at the downsampled size × zoom, so maps and images align.
  for (const canvas of [a, b]) {
    canvas.style.width = `${w * zoom}px`;
    canvas.style.height = `${h * zoom}px`;
  }
  $('#zoom-value').textContent = `${zoom}×`;
}
