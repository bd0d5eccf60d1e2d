/**
 * The WebGPU path in headless Chromium: every golden case scored by the demo page through
 * its URL parameters, |Δ| ≤ 1e-4, on WebGPU (SwiftShader where there is no GPU).
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPU_TOLERANCE, golden, goldenResize } from '../fixtures.js';
import { launch, serve } from './harness.js';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function scored(p: Page, query: string): Promise<Record<string, string>> {
  await p.goto(`${server.url}/?backend=gpu&${query}`);
  await p.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 600_000 });
  return p.evaluate(() =>
    Object.fromEntries(
      ['fsim', 'fsimc', 'verdict', 'backend', 'status'].map((id) => [
        id,
        document.querySelector(`[data-testid="${id}"]`)!.textContent ?? '',
      ]),
    ),
  );
}

describe('golden scores in Chromium on WebGPU', () => {
  it.each(golden.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    const out = await scored(page, `ref=/fixtures/images/${c.ref}&dist=/fixtures/images/${c.dist}&scale=${c.scale}`);
    expect(out.status).not.toMatch(/error|not available/i);
    expect(out.backend).toMatch(/^webgpu \(/);
    expect(Math.abs(Number(out.fsim) - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(Number(out.fsimc) - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});

describe('golden scores in Chromium on the fused WebGPU path (kernels=fused)', () => {
  // SwiftShader runs the per-stage kernels by default; these sizes fit the fused path.
  it.each(['I01', 'I01_scale1', 'goldhill_png'].map((name) => [name, golden.find((c) => c.case === name)!] as const))(
    '%s',
    async (_name, c) => {
      const out = await scored(page, `ref=/fixtures/images/${c.ref}&dist=/fixtures/images/${c.dist}&scale=${c.scale}&kernels=fused`);
      expect(out.status).not.toMatch(/error|not available/i);
      expect(out.backend).toMatch(/^webgpu \(.*; fused kernels\)$/);
      expect(Math.abs(Number(out.fsim) - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
      expect(Math.abs(Number(out.fsimc) - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    },
  );
});

describe('golden_resize.jsonl in Chromium on WebGPU (URL parameters resize and size)', () => {
  it.each(goldenResize.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    const size = c.size ? `&size=${c.size[1]}x${c.size[0]}` : '';
    const out = await scored(
      page,
      `ref=/fixtures/images/${c.ref}&dist=/fixtures/images/${c.dist}&scale=${c.scale}&resize=${c.resize}${size}`,
    );
    expect(out.status).not.toMatch(/error|not available/i);
    expect(out.backend).toMatch(/^webgpu \(/);
    expect(Math.abs(Number(out.fsim) - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(Number(out.fsimc) - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});
