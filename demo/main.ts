/**
 * The demo page: two images in (picker, drag and drop, one-click pairs, or ?ref=URL&dist=URL),
 * FSIM / FSIMc and a verdict out, and what FSIM sees (phase congruency, gradients, local
 * similarity) zoomable side by side; plus a rank mode. Everything that takes time — decoding,
 * alignment, the comparison, drawing maps — runs in the engine's Worker (engine.ts); this page
 * posts requests and draws the bitmaps that come back. State for tests: body[data-state].
 * state.ts holds the view's state, params.ts reads the URL, controls.ts the controls,
 * render.ts draws; this file loads images and runs comparisons.
 */
import { createFsim, decodeBlob, decodeUrl, type WorkerImage } from '../src/browser/index.js';
import { applyParameters, compareOptions, options, wireControls } from './controls.js';
import { drawBitmap, wireDrop } from './dom.js';
import { createEngine, type Engine } from './engine.js';
import { readUrlParameters } from './params.js';
import { rankInto } from './rank.js';
import { clearResult, renderScores, renderView } from './render.js';
import { $, page, setState, status } from './state.js';

// The library on the console (the browser tests use it too): fsim.decodeBlob(file), fsim.createFsim().
Object.assign(globalThis, { fsim: { createFsim, decodeBlob, decodeUrl } });

/** One-click pairs: the bundled sample, and the example pairs of the FSIM demo app this grew from. */
const SAMPLES: Record<string, [string, string]> = {
  sample: ['samples/reference.png', 'samples/distorted.jpg'],
  shoes: ['samples/app_shoe.jpg', 'samples/app_shoe1.jpg'],
  printers: ['samples/app_printer1.jpg', 'samples/app_printer2.jpg'],
};

/** The thumbnail's longest side: the slot shows it small, so the worker draws it small. */
const THUMBNAIL_SIDE = 480;

async function setSlot(which: 'ref' | 'dist', name: string, load: () => Promise<WorkerImage>): Promise<void> {
  const label = $(`.drop[data-slot="${which}"]`);
  $('.name', label).textContent = name;
  // The old thumbnail goes with the old image, whether or not the new one loads.
  const thumb = $('canvas.thumb', label) as HTMLCanvasElement;
  thumb.width = thumb.height = 0;
  page.slots[which]?.image.release();
  page.slots[which] = null;
  clearResult();
  setState('busy');
  status(`loading ${name}…`);
  try {
    const image = await load();
    page.slots[which] = { name, image };
    drawBitmap(thumb, await image.bitmap({ maxSide: THUMBNAIL_SIDE }));
    $('.name', label).textContent = `${name} (${image.width}×${image.height})`;
  } catch (error) {
    page.slots[which] = null;
    setState('error');
    status(error instanceof Error ? error.message : String(error), true);
    throw error;
  }
}

async function run(): Promise<void> {
  const { ref, dist } = page.slots;
  if (!ref || !dist) return;
  clearResult();
  const id = ++page.runId;
  setState('busy');
  status(`computing on ${engine.kind === 'gpu' ? 'WebGPU' : 'the CPU'} in a Web Worker…`);
  const bar = $('[data-testid="progress"]') as HTMLProgressElement;
  bar.hidden = engine.kind === 'gpu';
  bar.value = 0;
  try {
    const r = await engine.fsim.compare(ref.image, dist.image, {
      ...compareOptions(),
      mapImages: true,
      progress: (fraction, stage) => {
        bar.value = fraction;
        status(`computing on the CPU (Web Worker): ${stage} ${(fraction * 100).toFixed(0)}%`);
      },
    });
    if (id !== page.runId) {
      r.mapImages?.release();
      return;
    }
    page.result = r;
    renderScores();
    await renderView();
    if (id !== page.runId) return;
    status(engine.kind === 'cpu' ? `Computed on the CPU in a Web Worker (${engine.reason}).` : '');
    setState('done');
  } catch (error) {
    if (id !== page.runId) return;
    status(error instanceof Error ? error.message : String(error), true);
    setState('error');
  } finally {
    bar.hidden = true;
  }
}

async function loadPair([refUrl, distUrl]: [string, string]): Promise<void> {
  await Promise.all([
    setSlot('ref', refUrl.split('/').pop()!, () => engine.fsim.decode(refUrl)),
    setSlot('dist', distUrl.split('/').pop()!, () => engine.fsim.decode(distUrl)),
  ]);
  await run();
}

for (const which of ['ref', 'dist'] as const) {
  wireDrop(
    $(`.drop[data-slot="${which}"]`),
    ([file]) => void setSlot(which, file.name, () => engine.fsim.decode(file, file.name)).then(run, () => {}),
  );
}
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-sample]')) {
  button.addEventListener('click', () => void loadPair(SAMPLES[button.dataset.sample!]).catch(() => {}));
}
wireControls(() => void run());

const parameters = readUrlParameters(new URLSearchParams(location.search));
applyParameters(parameters);

setState('busy');
status('starting…');
const engine: Engine = await createEngine(parameters.backend, parameters.kernels);
if (engine.kind === 'cpu') status(`Computing on the CPU in a Web Worker (${engine.reason}).`);
$('[data-testid="backend"]').textContent = engine.kind === 'gpu' ? 'WebGPU' : 'CPU (Web Worker)';
rankInto($('#rank'), engine.fsim, () => options());

// Serve offline once loaded.
if ('serviceWorker' in navigator && location.protocol !== 'file:' && import.meta.env.PROD) {
  void navigator.serviceWorker.register('./sw.js').catch(() => {});
}

if (parameters.problems.length > 0) {
  status(`URL parameter ${parameters.problems.join('; ')}`, true);
  setState('error');
} else {
  await loadPair([parameters.ref ?? SAMPLES.sample[0], parameters.dist ?? SAMPLES.sample[1]]).catch(() => {
    // setSlot reported it.
  });
}
