/**
 * The browser benchmark (demo/bench.html): for each size, the GPU path (and the CPU path
 * when ?cpu=1) on a synthetic or resampled sample pair, in the engine's Worker as the demo
 * runs it; medians of `runs` after one warm-up; per-stage GPU times from timestamp queries. Results go to a table, a chart and
 * window.benchResults (read by `npm run bench:browser`, scripts/bench-browser.mjs).
 */
import { createFsim, type FsimResult, type RasterImage, type ScaleOption, type StageTimings } from '../src/browser/index.js';

const params = new URLSearchParams(location.search);
const sizes = (params.get('sizes') ?? '512x384,1920x1080,3840x2160').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const runs = Number(params.get('runs') ?? 10);
const withCpu = params.get('cpu') === '1';
/** The CPU path's thread counts to measure (threads=1,2); by default the engine's own choice. */
const cpuThreads = (params.get('threads') ?? '').split(',').filter(Boolean).map(Number);
const source = params.get('source') ?? 'synthetic';
const STAGES: (keyof StageTimings)[] = ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling', 'gpu', 'total'];

export interface BenchRow {
  size: string;
  scale: ScaleOption;
  downsampled: string;
  backend: string;
  runs: number;
  median: Partial<Record<keyof StageTimings, number>>;
  fsim: number;
  fsimc: number;
}

/** A deterministic textured scene and a blurred, noisier copy. */
function synthetic(width: number, height: number): [RasterImage, RasterImage] {
  const a = new Uint8Array(width * height * 4),
    b = new Uint8Array(width * height * 4);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width,
        v = y / height;
      const base = 128 + 60 * Math.sin(40 * u + 7 * Math.sin(9 * v)) * Math.cos(25 * v) + 30 * Math.sin(300 * u * v);
      const p = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const value = base + 25 * Math.sin((c + 1) * 11 * (u + v));
        a[p + c] = value;
        b[p + c] = value + 18 * noise();
      }
      a[p + 3] = b[p + 3] = 255;
    }
  }
  return [
    { width, height, channels: 4, data: a },
    { width, height, channels: 4, data: b },
  ];
}

async function sample(width: number, height: number): Promise<[RasterImage, RasterImage]> {
  const load = async (url: string) => {
    const bitmap = await createImageBitmap(await (await fetch(url)).blob(), {
      resizeWidth: width,
      resizeHeight: height,
      resizeQuality: 'high',
      colorSpaceConversion: 'none',
    });
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, channels: 4, data: new Uint8Array(data.buffer) } as RasterImage;
  };
  return Promise.all([load('./samples/reference.png'), load('./samples/distorted.jpg')]);
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(
  backend: 'gpu' | 'cpu',
  ref: RasterImage,
  dist: RasterImage,
  scale: ScaleOption,
  count: number,
  threads?: number,
): Promise<BenchRow> {
  // The engine in its Worker, as the demo runs it; the pixels go there once.
  const engine = await createFsim({ worker: true, backend, limits: 'default', ...(threads ? { threads } : {}) });
  try {
    const [a, b] = await Promise.all([engine.decode(ref, 'reference'), engine.decode(dist, 'distorted')]);
    await engine.compare(a, b, { scale }); // warm-up: pipelines, plans, filter bank
    const results: FsimResult[] = [];
    for (let k = 0; k < count; k++) results.push(await engine.compare(a, b, { scale }));
    const med: BenchRow['median'] = {};
    for (const stage of STAGES) {
      const values = results.map((r) => r.timings[stage]).filter((v): v is number => v !== undefined);
      if (values.length) med[stage] = median(values);
    }
    const last = results[results.length - 1];
    return {
      size: `${ref.width}x${ref.height}`,
      scale,
      downsampled: last.downsampled.join('x'),
      backend: last.backend,
      runs: count,
      median: med,
      fsim: last.fsim,
      fsimc: last.fsimc,
    };
  } finally {
    await engine.dispose();
  }
}

function render(rows: BenchRow[]): void {
  const table = document.querySelector('[data-testid="table"]')!;
  table.querySelector('thead')!.innerHTML =
    `<tr><th>size</th><th>FFT size</th><th>backend</th><th>runs</th>${STAGES.map((s) => `<th>${s} (ms)</th>`).join('')}</tr>`;
  table.querySelector('tbody')!.innerHTML = rows
    .map(
      (r) =>
        `<tr><td>${r.size}</td><td>${r.downsampled}</td><td>${r.backend}</td><td>${r.runs}</td>${STAGES.map((s) => `<td>${r.median[s]?.toFixed(2) ?? '–'}</td>`).join('')}</tr>`,
    )
    .join('');
  // Stacked bars of the GPU stages per row.
  const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="chart"]')!;
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const parts: (keyof StageTimings)[] = ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling'];
  const colours = ['#57106e', '#bc3754', '#f98e09', '#2e8b57', '#3b6ea5'];
  const max = Math.max(1, ...rows.map((r) => parts.reduce((s, p) => s + (r.median[p] ?? 0), 0) || (r.median.total ?? 0)));
  const barHeight = Math.min(40, (canvas.height - 40) / Math.max(1, rows.length));
  rows.forEach((r, k) => {
    let x = 220;
    const y = 10 + k * (barHeight + 6);
    g.fillStyle = '#888';
    g.font = '12px system-ui';
    g.fillText(`${r.size} ${r.backend.startsWith('webgpu') ? 'GPU' : 'CPU'}`, 4, y + barHeight / 2 + 4);
    const stages = parts.some((p) => r.median[p] !== undefined) ? parts : (['total'] as (keyof StageTimings)[]);
    stages.forEach((p, i) => {
      const w = ((r.median[p] ?? 0) / max) * (canvas.width - 240);
      g.fillStyle = colours[i % colours.length];
      g.fillRect(x, y, w, barHeight);
      x += w;
    });
  });
  // Legend: a swatch in each stage's colour, then its name.
  let x = 220;
  parts.forEach((p, i) => {
    g.fillStyle = colours[i];
    g.fillRect(x, canvas.height - 18, 10, 10);
    g.fillStyle = '#888';
    g.fillText(p, x + 14, canvas.height - 9);
    x += 20 + g.measureText(p).width;
  });
}

const rows: BenchRow[] = [];
const status = document.querySelector('[data-testid="status"]')!;
(window as unknown as { benchResults?: unknown }).benchResults = undefined;
try {
  for (const [width, height] of sizes) {
    const [ref, dist] = source === 'sample' ? await sample(width, height) : synthetic(width, height);
    const scales: ScaleOption[] = width * height <= 512 * 384 ? ['auto'] : [1];
    for (const scale of scales) {
      status.textContent = `GPU ${width}×${height}, F = ${scale}…`;
      rows.push(await measure('gpu', ref, dist, scale, runs));
      render(rows);
      if (withCpu) {
        status.textContent = `CPU ${width}×${height}, F = ${scale}…`;
        for (const threads of cpuThreads.length ? cpuThreads : [undefined]) {
          rows.push(await measure('cpu', ref, dist, scale, Math.min(runs, width * height > 4e6 ? 1 : 3), threads));
          render(rows);
        }
      }
    }
  }
  status.textContent = `done: ${rows.length} rows`;
  (window as unknown as { benchResults?: unknown }).benchResults = { userAgent: navigator.userAgent, rows };
} catch (error) {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  (window as unknown as { benchResults?: unknown }).benchResults = { error: status.textContent, rows };
}
