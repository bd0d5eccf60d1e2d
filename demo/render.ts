/** Drawing the compare view: scores, verdict, the alignment note, and the maps (drawn in the engine's worker) at any zoom. */
import { describeResized, type MapView } from '../src/browser/index.js';
import { options } from './controls.js';
import { drawBitmap } from './dom.js';
import { $, page } from './state.js';

/**
 * No score of an earlier pair stays on screen next to new images: scores, note and maps are
 * cleared whenever an image changes or a comparison starts, and stay cleared if it fails.
 */
export function clearResult(): void {
  page.result?.mapImages?.release();
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
  const { colour, minScore } = options();
  const score = colour ? result.fsimc : result.fsim;
  const similar = score >= minScore;
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

/** Each tab's views (the second canvas hidden where there is one) and its legend. */
const TABS: Record<
  string,
  {
    views: [MapView, MapView?];
    what?: string;
    top?: (scales: { pc: number; gm: number; similarity: number; difference: number }) => number;
  }
> = {
  images: { views: ['reference', 'distorted'] },
  pc: { views: ['pc1', 'pc2'], what: 'phase congruency of each image (0 … 1)', top: (s) => s.pc },
  gm: { views: ['gm1', 'gm2'], what: 'Scharr gradient magnitude, one scale for both', top: (s) => s.gm },
  similarity: { views: ['similarity'], what: 'S_L · PCm: local similarity weighted by feature strength', top: (s) => s.similarity },
  difference: { views: ['difference'], what: 'PCm · (1 − S_L): where the images differ', top: (s) => s.difference },
};

/**
 * Draws the current tab of the shown result: the worker draws each view into a bitmap (the
 * compared images as aligned, when they were; maps through the heatmap ramp), this page puts
 * it on a canvas. A newer result or tab wins over a drawing still on its way.
 */
export async function renderView(): Promise<void> {
  const { result, view } = page;
  const a = $('[data-testid="view-a"]') as HTMLCanvasElement;
  const b = $('[data-testid="view-b"]') as HTMLCanvasElement;
  const legend = $('.legend');
  const images = result?.mapImages;
  if (!result || !images) return;
  const tab = TABS[view];
  const drawing = ++page.drawId;
  const bitmaps = await Promise.all(tab.views.map((v) => (v ? images.image(v) : null)));
  if (drawing !== page.drawId || page.result !== result) {
    for (const bitmap of bitmaps) bitmap?.close();
    return;
  }
  drawBitmap(a, bitmaps[0]!);
  b.hidden = !bitmaps[1];
  if (bitmaps[1]) drawBitmap(b, bitmaps[1]);
  legend.hidden = !tab.what;
  if (tab.what && tab.top) {
    $('.what', legend).textContent = tab.what;
    const top = tab.top(images.scales);
    $('.hi', legend).textContent = view === 'pc' ? '1' : top.toFixed(view === 'gm' ? 0 : 2);
  }
  applyZoom();
}

/** Every canvas at the downsampled size × zoom, so maps and images align. */
export function applyZoom(): void {
  const { result, zoom } = page;
  if (!result) return;
  const [h, w] = result.downsampled;
  for (const id of ['view-a', 'view-b']) {
    const canvas = $(`[data-testid="${id}"]`) as HTMLCanvasElement;
    canvas.style.width = `${w * zoom}px`;
    canvas.style.height = `${h * zoom}px`;
  }
  $('#zoom-value').textContent = `${zoom}×`;
}
