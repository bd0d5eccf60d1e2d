/** The demo page as a person uses it: file inputs, the no-WebGPU fallback, maps, rank mode, the benchmark page. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPU_TOLERANCE, CPU_TOLERANCE, golden, goldenResize, image } from '../fixtures.js';
import { launch, serve } from './harness.js';

let server: Awaited<ReturnType<typeof serve>>;
let gpuBrowser: Browser;
const SHOTS = '/tmp/fsim-demo-screenshots';

beforeAll(async () => {
  server = await serve();
  gpuBrowser = await launch(true);
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await gpuBrowser?.close();
  await server?.close();
});

const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');
const settled = (page: Page, key = 'state') =>
  page.waitForFunction((k) => ['done', 'error'].includes(document.body.dataset[k] ?? ''), { timeout: 600_000 }, key);

/** A screenshot with real content: many colours and some contrast, not a blank page. */
async function expectNotBlank(page: Page, name: string, selector?: string): Promise<void> {
  const path = `${SHOTS}/${name}.png`;
  if (selector) await (await page.$(selector))!.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = new Set<number>();
  let sum = 0,
    sum2 = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    const v = data[p * 3] * 65536 + data[p * 3 + 1] * 256 + data[p * 3 + 2];
    colours.add(v);
    const l = data[p * 3] + data[p * 3 + 1] + data[p * 3 + 2];
    sum += l;
    sum2 += l * l;
  }
  const n = info.width * info.height;
  expect(colours.size, `${name}: distinct colours`).toBeGreaterThan(200);
  expect(Math.sqrt(sum2 / n - (sum / n) ** 2), `${name}: contrast`).toBeGreaterThan(10);
}

describe('demo on WebGPU', () => {
  it('opens with the bundled sample pair already scored', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu`);
    await settled(page);
    expect(Number(await text(page, 'fsim'))).toBeGreaterThan(0.5);
    expect(Number(await text(page, 'fsimc'))).toBeLessThanOrEqual(1);
    expect(await text(page, 'verdict')).toBe('similar');
    expect(await text(page, 'backend')).toMatch(/^webgpu/);
    await expectNotBlank(page, 'sample-pair');
    await page.close();
  });

  it('scores two files picked through the file inputs, and shows every map', async () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    await page.evaluate(() => {
      document.body.dataset.state = 'picking';
    });
    const refInput = await page.$('[data-testid="ref-input"]');
    await (refInput as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(image(c.ref));
    await page.waitForFunction(() => document.querySelector('[data-testid="ref-name"]')!.textContent!.includes('I01.bmp'));
    const distInput = await page.$('[data-testid="dist-input"]');
    await (distInput as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(image(c.dist));
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="dist-name"]')!.textContent!.includes('I01_dist.bmp') &&
        document.body.dataset.state === 'done',
      { timeout: 600_000 },
    );
    expect(Math.abs(Number(await text(page, 'fsim')) - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(Number(await text(page, 'fsimc')) - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    for (const view of ['images', 'pc', 'gm', 'similarity', 'difference']) {
      await page.click(`[data-view="${view}"]`);
      await expectNotBlank(page, `view-${view}`, '[data-testid="viewport"]');
    }
    // Zoom doubles the displayed size.
    const before = await page.$eval('[data-testid="view-a"]', (e) => (e as HTMLCanvasElement).getBoundingClientRect().width);
    await page.click('[data-zoom="1"]');
    const after = await page.$eval('[data-testid="view-a"]', (e) => (e as HTMLCanvasElement).getBoundingClientRect().width);
    expect(after).toBeCloseTo(before * 2, 0);
    // The verdict follows the threshold without recomputing.
    await page.$eval('#threshold', (e) => {
      (e as HTMLInputElement).value = '0.95';
      e.dispatchEvent(new Event('input'));
    });
    expect(await text(page, 'verdict')).toBe('not similar');
    await page.close();
  });

  it('reports a bad file plainly', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/nope.png&dist=/fixtures/images/I01.bmp`);
    await settled(page);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    expect(await text(page, 'status')).toMatch(/nope\.png: not found \(404\)$/);
    await page.close();
  });

  it("a URL whose server answers with a web page (a single-page app's fallback for a missing file) is 'not found', not 'not decodable'", async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=index.html&dist=/fixtures/images/I01.bmp`);
    await settled(page);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    expect(await text(page, 'status')).toBe(
      'index.html: not found (404: the server answered with a web page, as it does for a missing file)',
    );
    await page.close();
  });

  it('ranks candidates against a reference, bad ones listed with their error', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    await page.click('nav [data-mode="rank"]');
    const refInput = await page.$('[data-testid="rank-ref-input"]');
    await (refInput as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(image('I01.bmp'));
    const broken = join(mkdtempSync(join(tmpdir(), 'fsim-rank-')), 'broken.png');
    writeFileSync(broken, 'not a png');
    const candidates = ['I03.bmp', 'I01_dist.bmp', 'I01.bmp', 'app_printer1.jpg', 'I19.bmp'].map(image);
    const input = await page.$('[data-testid="rank-candidates-input"]');
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(
      ...candidates.slice(0, 2),
      broken,
      ...candidates.slice(2),
    );
    await settled(page, 'rankState');
    const items = await page.$$eval('[data-testid="rank-item"]', (els) =>
      els.map((e) => ({ file: (e as HTMLElement).dataset.file, score: (e as HTMLElement).dataset.score, text: e.textContent })),
    );
    // Reference scores decide the order: itself (1), its distortion, then I19 over I03 (FSIMc 0.528 > 0.504);
    // the printer (another size) is aligned to the reference and ranked too; the broken file is listed last.
    expect(items.map((i) => i.file)).toEqual(['I01.bmp', 'I01_dist.bmp', 'I19.bmp', 'I03.bmp', 'app_printer1.jpg', 'broken.png']);
    expect(Math.abs(Number(items[1].score) - golden.find((g) => g.case === 'I01')!.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(items[4].text).toMatch(/resampled 333×187 → 512×384 \(cover/);
    expect(items[5].text).toMatch(/^broken\.png: not a decodable image/);
    await expectNotBlank(page, 'rank-gallery');
    await page.close();
  });
});

describe('images of different sizes', () => {
  const note = (page: Page) => text(page, 'align-note');
  const printers = (mode: string) => goldenResize.find((g) => g.case === `app_printer_${mode}`)!;
  /** Clicks a one-click pair and waits until it is scored (its distorted image named, the run done). */
  const pickSample = async (page: Page, sample: string, distName: string) => {
    await page.click(`[data-sample="${sample}"]`);
    await page.waitForFunction(
      (name) => document.querySelector('[data-testid="dist-name"]')!.textContent!.includes(name) && document.body.dataset.state === 'done',
      { timeout: 600_000 },
      distName,
    );
  };

  it('the printer pair (333×187 and 1200×900) is compared after alignment, with a note saying how, and a verdict', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu`);
    await settled(page);
    await pickSample(page, 'printers', 'app_printer2.jpg');
    expect(await note(page)).toBe(
      'Sizes differ, so FSIM compared resampled images: the distorted image 1200×900 → 333×187 (cover: kept 1200×674 from row 113).',
    );
    expect(Math.abs(Number(await text(page, 'fsimc')) - printers('cover').fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(await text(page, 'verdict')).toBe('not similar');
    await expectNotBlank(page, 'mixed-size-pair');
    // Stretch instead of cover: recomputed, the note follows.
    await page.select('[data-testid="resize"]', 'stretch');
    await page.waitForFunction(
      () =>
        document.body.dataset.state === 'done' && document.querySelector('[data-testid="align-note"]')!.textContent!.includes('(stretch)'),
      { timeout: 600_000 },
    );
    expect(Math.abs(Number(await text(page, 'fsimc')) - printers('stretch').fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    await page.close();
  });

  it('the boot pair is one click away and similar; same sizes get no note', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu`);
    await settled(page);
    await pickSample(page, 'shoes', 'app_shoe1.jpg');
    expect(await text(page, 'verdict')).toBe('similar');
    expect(await page.$eval('[data-testid="align-note"]', (e) => (e as HTMLElement).hidden)).toBe(true);
    await page.close();
  });

  it('no score of an earlier pair is shown while a new pair runs, or after it fails', async () => {
    const page = await gpuBrowser.newPage();
    // Record what the score fields hold at the moment each comparison starts or fails.
    await page.evaluateOnNewDocument(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const state = document.body.dataset.state;
        if (state === 'busy' || state === 'error') {
          seen.push(
            `${state}:${['fsim', 'fsimc', 'verdict'].map((id) => document.querySelector(`[data-testid="${id}"]`)!.textContent).join('|')}`,
          );
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await page.goto(`${server.url}/?backend=gpu`);
    await settled(page);
    expect(await text(page, 'verdict')).toBe('similar');
    await pickSample(page, 'printers', 'app_printer2.jpg');
    // A file that cannot be decoded: the printers' scores go too.
    const broken = join(mkdtempSync(join(tmpdir(), 'fsim-stale-')), 'broken.png');
    writeFileSync(broken, 'not a png');
    await ((await page.$('[data-testid="dist-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(broken);
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    expect(await text(page, 'status')).toMatch(/broken\.png: not a decodable image/);
    for (const id of ['fsim', 'fsimc', 'verdict']) expect(await text(page, id)).toBe('–');
    // The old image's thumbnail went with it: nothing stands beside the new file's name.
    expect(await page.$eval('.drop[data-slot="dist"] canvas.thumb', (c) => (c as HTMLCanvasElement).width)).toBe(0);
    expect(await text(page, 'dist-name')).toBe('broken.png');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const entry of seen) expect(entry).toMatch(/^(busy|error):–\|–\|–$/);
    await page.close();
  });

  it('rank mode aligns candidates of other sizes to the reference and says so', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    await page.click('nav [data-mode="rank"]');
    await ((await page.$('[data-testid="rank-ref-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
      image('I01.bmp'),
    );
    await ((await page.$('[data-testid="rank-candidates-input"]')) as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(
      image('I01_dist_640x1000.png'),
      image('app_printer2.jpg'),
      image('I01_dist.bmp'),
    );
    await settled(page, 'rankState');
    const items = await page.$$eval('[data-testid="rank-item"]', (els) =>
      els.map((e) => ({
        file: (e as HTMLElement).dataset.file,
        text: e.textContent ?? '',
        score: Number((e as HTMLElement).dataset.score),
      })),
    );
    expect(items.map((i) => i.file)).toEqual(['I01_dist.bmp', 'I01_dist_640x1000.png', 'app_printer2.jpg']);
    expect(items[0].text).not.toMatch(/resampled/);
    expect(items[1].text).toContain('resampled 1000×640 → 512×384 (cover: kept 853×640 from column 73)');
    expect(Math.abs(items[1].score - goldenResize.find((g) => g.case === 'I01_vs_dist640x1000_cover')!.fsimc)).toBeLessThanOrEqual(
      GPU_TOLERANCE,
    );
    await page.close();
  });
});

describe('user input is text, never code', () => {
  const EVIL = `<img src=x onerror=document.title='pwned'>.bmp`;
  let evilPath: string;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'fsim-xss-'));
    evilPath = join(dir, EVIL);
    copyFileSync(image('I01_dist.bmp'), evilPath);
  });

  const untouched = async (page: Page) => {
    expect(await page.title()).not.toBe('pwned');
    expect(await page.$$eval('main img', (els) => els.length)).toBe(0);
  };

  it('a file name carrying markup, dropped in compare mode and in rank mode, shows as text and runs nothing', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    // Compare mode: the name is shown as typed.
    await page.evaluate(() => {
      document.body.dataset.state = 'picking';
    });
    await ((await page.$('[data-testid="ref-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(evilPath);
    await page.waitForFunction((name) => document.querySelector('[data-testid="ref-name"]')!.textContent!.includes(name), {}, EVIL);
    await settled(page);
    await untouched(page);
    // Rank mode: the gallery lists it by name, as text.
    await page.click('nav [data-mode="rank"]');
    await ((await page.$('[data-testid="rank-ref-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
      image('I01.bmp'),
    );
    await ((await page.$('[data-testid="rank-candidates-input"]')) as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(
      evilPath,
      image('I03.bmp'),
    );
    await settled(page, 'rankState');
    const items = await page.$$eval('[data-testid="rank-item"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(items).toHaveLength(2);
    expect(items[0]).toContain(EVIL);
    await untouched(page);
    await page.close();
  });

  it('URL parameters and error messages are text too', async () => {
    const page = await gpuBrowser.newPage();
    const evilUrl = `/fixtures/images/<img src=x onerror=document.title='pwned'>.png`;
    await page.goto(`${server.url}/?backend=gpu&ref=${encodeURIComponent(evilUrl)}&dist=/fixtures/images/I01.bmp`);
    await settled(page);
    expect(await text(page, 'status')).toContain(`<img src=x onerror=document.title='pwned'>.png: not found (404)`);
    await untouched(page);
    // A parameter the page cannot honour is reported as typed, and nothing is computed.
    await page.goto(`${server.url}/?backend=gpu&threshold=${encodeURIComponent("<img src=x onerror=document.title='pwned'>")}&scale=0`);
    await settled(page);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    expect(await text(page, 'status')).toBe(
      `URL parameter scale must be auto or an integer ≥ 1, got '0'; threshold must be a number in [0, 1], got '<img src=x onerror=document.title='pwned'>'`,
    );
    expect(await text(page, 'fsim')).toBe('–');
    await untouched(page);
    await page.close();
  });

  it('the page forbids inline script (Content-Security-Policy)', async () => {
    const page = await gpuBrowser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/?backend=gpu`);
    await settled(page);
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (e) => e.getAttribute('content') ?? '');
    // Scripts from the page's origin only; 'wasm-unsafe-eval' allows compiling WebAssembly (the CPU path's FFT kernels), not eval.
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = "document.title = 'inline ran'";
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', "document.title = 'handler ran'");
      img.src = 'data:,';
      document.body.append(img);
    });
    await new Promise((done) => setTimeout(done, 300));
    expect(await page.title()).not.toMatch(/ran/);
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });
});

describe('the fastest backend by default', () => {
  it('on a software WebGPU adapter (SwiftShader) the page computes on its CPU worker, and uses the adapter only when asked', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/?ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    const software = /swiftshader/i.test(
      await page.evaluate(async () => {
        const adapter = await navigator.gpu?.requestAdapter();
        return adapter ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}` : '';
      }),
    );
    if (software) {
      expect(await text(page, 'backend')).toMatch(/^cpu \(float64/);
      expect(await text(page, 'status')).toMatch(/^Computed on the CPU in a Web Worker \(.*swiftshader.* is a software adapter/i);
      expect(await page.$eval('#backend', (e) => (e as HTMLSelectElement).value)).toBe('auto');
      // The control asks for WebGPU: the page reloads with backend=gpu and uses the adapter.
      await Promise.all([page.waitForNavigation(), page.select('#backend', 'gpu')]);
      expect(page.url()).toMatch(/backend=gpu/);
      await settled(page);
      expect(await text(page, 'backend')).toMatch(/^webgpu \(.*swiftshader/i);
    } else {
      expect(await text(page, 'backend')).toMatch(/^webgpu/);
    }
    await page.close();
  });
});

describe('demo without WebGPU', () => {
  it('says so plainly, computes on the CPU in a Web Worker, and keeps the page responsive', async () => {
    const browser = await launch(false);
    try {
      const page = await browser.newPage();
      // Count timer ticks while the CPU path runs on a full-resolution pair.
      await page.evaluateOnNewDocument(() => {
        let last = performance.now();
        (window as unknown as { maxGap: number }).maxGap = 0;
        setInterval(() => {
          const now = performance.now();
          (window as unknown as { maxGap: number }).maxGap = Math.max((window as unknown as { maxGap: number }).maxGap, now - last);
          last = now;
        }, 20);
      });
      const c = golden.find((g) => g.case === 'I01_scale1')!;
      await page.goto(`${server.url}/?ref=/fixtures/images/${c.ref}&dist=/fixtures/images/${c.dist}&scale=1`);
      await settled(page);
      expect(await text(page, 'status')).toMatch(/^Computed on the CPU in a Web Worker \(.*WebGPU/);
      expect(await text(page, 'backend')).toMatch(/^cpu \(float64/);
      expect(Math.abs(Number(await text(page, 'fsim')) - c.fsim)).toBeLessThanOrEqual(1e-6 + 5e-7);
      expect(Math.abs(Number(await text(page, 'fsimc')) - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE + 5e-7);
      expect(await page.evaluate(() => (window as unknown as { maxGap: number }).maxGap)).toBeLessThan(500);
      await expectNotBlank(page, 'cpu-fallback');
    } finally {
      await browser.close();
    }
  });
});

describe('benchmark page', () => {
  it('runs headless at small sizes and reports every stage', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${server.url}/bench.html?sizes=64x48,96x80&runs=2&cpu=1`);
    await page.waitForFunction(() => (window as unknown as { benchResults?: unknown }).benchResults !== undefined, { timeout: 600_000 });
    const results = await page.evaluate(
      () =>
        (window as unknown as { benchResults: { rows: { backend: string; median: Record<string, number> }[]; error?: string } })
          .benchResults,
    );
    expect(results.error).toBeUndefined();
    const gpuRows = results.rows.filter((r) => r.backend.startsWith('webgpu'));
    expect(gpuRows).toHaveLength(2);
    for (const row of gpuRows) {
      for (const stage of ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling', 'gpu', 'total'])
        expect(row.median[stage], stage).toBeGreaterThan(0);
    }
    expect(results.rows.filter((r) => r.backend.startsWith('cpu'))).toHaveLength(2);
    await expectNotBlank(page, 'bench');
    await page.close();
  });
});

describe('npm start (vite preview)', () => {
  it('serves on loopback only, cross-origin isolated; exposing it takes --host', async () => {
    const preview = spawn(
      process.execPath,
      [resolve(import.meta.dirname, '../../node_modules/vite/bin/vite.js'), 'preview', '--port', '18080', '--strictPort'],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      // Vite colours its banner whenever CI is set (picocolors), so read it without escapes,
      // from both streams, and stop early if the server exits.
      let out = '';
      const plain = () => stripVTControlCharacters(out);
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`vite preview said: ${plain()}`)), 60_000);
        const read = (chunk: Buffer) => {
          out += chunk.toString();
          if (/Local:/.test(plain())) {
            clearTimeout(timer);
            done();
          }
        };
        preview.stdout.on('data', read);
        preview.stderr.on('data', read);
        preview.on('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`vite preview exited (${code}): ${plain()}`));
        });
      });
      out = plain();
      expect(out).toMatch(/Local: +http:\/\/127\.0\.0\.1:18080\//);
      expect(out).not.toMatch(/Network:/);
      const response = await fetch('http://127.0.0.1:18080/');
      expect(response.status).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    } finally {
      preview.kill();
    }
  });
});
