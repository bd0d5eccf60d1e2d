/**
 * The demo page: two images in (picker, drag and drop, or ?ref=URL&dist=URL&scale=F),
 * FSIM / FSIMc and a verdict out, and what FSIM sees (phase congruency, gradients, local
 * similarity) zoomable side by side; plus a rank mode. State for tests: body[data-state].
 */
import {
  alignImage,
  colourise,
  createFsim,
  decodeBlob,
  decodeUrl,
  describeResized,
  maxOf,
  type AlignMode,
  type Resized,
  type FsimResult,
  type RasterImage,
  type ScaleOption,
} from '../src/browser/index.js';
import { createEngine, type Engine } from './engine.js';
import { drawRaster, wireDrop } from './dom.js';
import { rankInto } from './rank.js';

const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T => root.querySelector<T>(selector)!;
const params = new URLSearchParams(location.search);

// The library on the console (the browser tests use it too): fsim.decodeBlob(file), fsim.createFsim().
Object.assign(globalThis, { fsim: { createFsim, decodeBlob, decodeUrl } });

interface Slot {
  name: string;
  image: RasterImage;
}
const slots: { ref: Slot | null; dist: Slot | null } = { ref: null, dist: null };
let result: FsimResult | null = null;
let view = 'images';
let zoom = 1;
let runId = 0;
/** Both images aligned to this [rows, cols] (URL parameter size=WxH); otherwise to the reference. */
let alignSize: [number, number] | undefined;

function setState(state: 'idle' | 'busy' | 'done' | 'error'): void {
  document.body.dataset.state = state;
}

function status(text: string, error = false, id = 'status'): void {
  const el = $(`[data-testid="${id}"]`);
  el.textContent = text;
  el.classList.toggle('error', error);
}

function options() {
  const scaleValue = ($('#scale') as HTMLSelectElement).value;
  return {
    scale: (scaleValue === 'auto' ? 'auto' : Number(scaleValue)) as ScaleOption,
    colour: ($('#colour') as HTMLInputElement).checked,
    threshold: Number(($('#threshold') as HTMLInputElement).value),
    align: { mode: ($('#resize') as HTMLSelectElement).value as AlignMode, ...(alignSize ? { size: alignSize } : {}) },
  };
}

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
function clearResult(): void {
  result = null;
  runId++; // a comparison still running is for images no longer shown
  for (const id of ['fsim', 'fsimc', 'verdict', 'time', 'size']) $(`[data-testid="${id}"]`).textContent = '–';
  delete $('[data-testid="verdict"]').dataset.similar;
  $('[data-testid="align-note"]').hidden = true;
  $('.legend').hidden = true;
  for (const id of ['view-a', 'view-b']) {
    const canvas = $(`[data-testid="${id}"]`) as HTMLCanvasElement;
    canvas.width = canvas.height = 0;
  }
}

async function setSlot(which: 'ref' | 'dist', name: string, load: () => Promise<RasterImage>): Promise<void> {
  const label = $(`.drop[data-slot="${which}"]`);
  $('.name', label).textContent = name;
  clearResult();
  setState('busy');
  status(`loading ${name}…`);
  try {
    const image = await load();
    slots[which] = { name, image };
    drawRaster($('canvas.thumb', label) as HTMLCanvasElement, image);
    $('.name', label).textContent = `${name} (${image.width}×${image.height})`;
  } catch (error) {
    slots[which] = null;
    setState('error');
    status(error instanceof Error ? error.message : String(error), true);
    throw error;
  }
}

function renderScores(): void {
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

function renderView(): void {
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
  if (view === 'pc') $('.hi', legend).textContent = '1';
  // Show every canvas at the downsampled size × zoom, so maps and images align.
  for (const canvas of [a, b]) {
    canvas.style.width = `${w * zoom}px`;
    canvas.style.height = `${h * zoom}px`;
  }
  $('#zoom-value').textContent = `${zoom}×`;
}

async function run(): Promise<void> {
  if (!slots.ref || !slots.dist) return;
  const { scale, threshold, align } = options();
  clearResult();
  const id = ++runId;
  setState('busy');
  status(`computing on ${engine.kind === 'gpu' ? 'WebGPU' : 'the CPU (Web Worker)'}…`);
  const bar = $('[data-testid="progress"]') as HTMLProgressElement;
  bar.hidden = engine.kind === 'gpu';
  bar.value = 0;
  try {
    const r = await engine.compare(slots.ref.image, slots.dist.image, { scale, threshold, maps: true, align }, (fraction, stage) => {
      bar.value = fraction;
      status(`computing on the CPU (Web Worker): ${stage} ${(fraction * 100).toFixed(0)}%`);
    });
    if (id !== runId) return;
    result = r;
    renderScores();
    renderView();
    status(engine.kind === 'cpu' ? `WebGPU is not available (${engine.reason}); computed on the CPU in a Web Worker.` : '');
    setState('done');
  } catch (error) {
    if (id !== runId) return;
    status(error instanceof Error ? error.message : String(error), true);
    setState('error');
  } finally {
    bar.hidden = true;
  }
}

for (const which of ['ref', 'dist'] as const) {
  wireDrop(
    $(`.drop[data-slot="${which}"]`),
    ([file]) => void setSlot(which, file.name, () => decodeBlob(file, file.name)).then(run, () => {}),
  );
}
$('#scale').addEventListener('change', () => void run());
$('#resize').addEventListener('change', () => void run());
/** One-click pairs: the bundled sample, and the example pairs of the FSIM demo app this grew from. */
const SAMPLES: Record<string, [string, string]> = {
  sample: ['samples/reference.png', 'samples/distorted.jpg'],
  shoes: ['samples/app_shoe.jpg', 'samples/app_shoe1.jpg'],
  printers: ['samples/app_printer1.jpg', 'samples/app_printer2.jpg'],
};
const loadPair = async ([refUrl, distUrl]: [string, string]): Promise<void> => {
  await Promise.all([
    setSlot('ref', refUrl.split('/').pop()!, () => decodeUrl(refUrl)),
    setSlot('dist', distUrl.split('/').pop()!, () => decodeUrl(distUrl)),
  ]);
  await run();
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-sample]')) {
  button.addEventListener('click', () => void loadPair(SAMPLES[button.dataset.sample!]).catch(() => {}));
}
$('#colour').addEventListener('change', () => {
  $('#fsimc-box').hidden = !options().colour;
  renderScores();
});
$('#threshold').addEventListener('input', () => {
  $('#threshold-value').textContent = options().threshold.toFixed(2);
  renderScores();
});
for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs [data-view]')) {
  tab.addEventListener('click', () => {
    view = tab.dataset.view!;
    for (const t of document.querySelectorAll('.tabs [data-view]')) t.classList.toggle('active', t === tab);
    renderView();
  });
}
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-zoom]')) {
  button.addEventListener('click', () => {
    const step = Number(button.dataset.zoom);
    if (step === 0 && result)
      zoom = Math.max(0.125, Math.min(8, 2 ** Math.floor(Math.log2(($('.viewport').clientWidth - 16) / 2 / result.downsampled[1]))));
    else zoom = Math.max(0.125, Math.min(16, zoom * 2 ** step));
    renderView();
  });
}
$('.viewport').addEventListener(
  'wheel',
  (e) => {
    if (!(e as WheelEvent).ctrlKey) return;
    e.preventDefault();
    zoom = Math.max(0.125, Math.min(16, zoom * ((e as WheelEvent).deltaY < 0 ? 2 : 0.5)));
    renderView();
  },
  { passive: false },
);
for (const button of document.querySelectorAll<HTMLButtonElement>('nav .mode')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('nav .mode')) b.classList.toggle('active', b === button);
    $('#compare').hidden = button.dataset.mode !== 'compare';
    $('#rank').hidden = button.dataset.mode !== 'rank';
  });
}

// URL parameters: scale, colour, threshold, backend and the images. Each is checked; a bad
// one is reported (as text) instead of being quietly replaced by a default.
const badParameters: string[] = [];
const scaleParam = params.get('scale');
if (scaleParam !== null) {
  if (scaleParam === 'auto' || /^[1-9][0-9]{0,3}$/.test(scaleParam)) {
    const select = $('#scale') as HTMLSelectElement;
    if (![...select.options].some((o) => o.value === scaleParam)) select.add(new Option(`F = ${scaleParam}`, scaleParam));
    select.value = scaleParam;
  } else badParameters.push(`scale must be auto or an integer ≥ 1, got '${scaleParam}'`);
}
const colourParam = params.get('colour');
if (colourParam !== null && colourParam !== '0' && colourParam !== '1') badParameters.push(`colour must be 0 or 1, got '${colourParam}'`);
if (colourParam === '0') ($('#colour') as HTMLInputElement).checked = false;
const thresholdParam = params.get('threshold');
if (thresholdParam !== null) {
  const value = /^(0(\.[0-9]*)?|1(\.0*)?|\.[0-9]+)$/.test(thresholdParam) ? Number(thresholdParam) : NaN;
  if (value >= 0 && value <= 1) {
    ($('#threshold') as HTMLInputElement).value = String(value);
    $('#threshold-value').textContent = value.toFixed(2);
  } else badParameters.push(`threshold must be a number in [0, 1], got '${thresholdParam}'`);
}
const resizeParam = params.get('resize');
if (resizeParam !== null) {
  if (resizeParam === 'cover' || resizeParam === 'stretch') ($('#resize') as HTMLSelectElement).value = resizeParam;
  else badParameters.push(`resize must be cover or stretch, got '${resizeParam}'`);
}
const sizeParam = params.get('size');
if (sizeParam !== null) {
  const match = /^([0-9]{1,5})x([0-9]{1,5})$/.exec(sizeParam);
  const [width, height] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (width >= 3 && height >= 3 && width * height <= 8192 * 8192) alignSize = [height, width];
  else badParameters.push(`size must be WIDTHxHEIGHT (each ≥ 3, at most 8192×8192 pixels), got '${sizeParam}'`);
}
const backendParam = params.get('backend');
if (backendParam !== null && backendParam !== 'cpu' && backendParam !== 'auto')
  badParameters.push(`backend must be cpu or auto, got '${backendParam}'`);
$('#fsimc-box').hidden = !options().colour;

setState('busy');
status('starting…');
const engine: Engine = await createEngine(params.get('backend') === 'cpu');
if (engine.kind === 'cpu') status(`WebGPU is not available (${engine.reason}); computing on the CPU in a Web Worker.`);
$('[data-testid="backend"]').textContent = engine.kind === 'gpu' ? 'WebGPU' : 'CPU (Web Worker)';
rankInto($('#rank'), engine, () => options());

// Serve offline once loaded.
if ('serviceWorker' in navigator && location.protocol !== 'file:' && import.meta.env.PROD) {
  void navigator.serviceWorker.register('./sw.js').catch(() => {});
}

if (badParameters.length > 0) {
  status(`URL parameter ${badParameters.join('; ')}`, true);
  setState('error');
  throw new Error('bad URL parameters'); // nothing is computed with a parameter the page could not honour
}

try {
  await loadPair([params.get('ref') ?? SAMPLES.sample[0], params.get('dist') ?? SAMPLES.sample[1]]);
} catch {
  // setSlot reported it.
}
