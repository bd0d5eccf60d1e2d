/**
 * Visual regression with FSIM: the demo page's maps for its sample pair, computed on the CPU
 * worker and on WebGPU, against one baseline. The first run writes the baseline (into
 * baselines/, not committed: renderings differ between machines); the GPU page must then
 * look like the CPU page — FSIM tolerates float32 rounding and rendering noise, not a
 * structural change.
 */
import { expect as base, type Page, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { fsimMatchers } from 'fsim-gpu/testing';

const expect = base.extend(fsimMatchers);
const BASELINE = fileURLToPath(new URL('./baselines/demo-maps.png', import.meta.url));

/** Opens the demo on a backend, waits for its sample pair to be scored, shows the phase-congruency maps. */
async function scored(page: Page, backend: 'cpu' | 'gpu') {
  await page.goto(`/?backend=${backend}`);
  await base(page.getByTestId('fsim')).toHaveText(/^0\.\d{6}$/, { timeout: 150_000 });
  await page.locator('button[data-view="pc"]').click();
  return page.locator('[data-testid="viewport"] .pair');
}

test.describe.configure({ mode: 'serial' });

test('the CPU worker renders the maps (the baseline is written on the first run)', async ({ page }) => {
  const maps = await scored(page, 'cpu');
  await base(page.getByTestId('backend')).toHaveText(/cpu/i);
  await expect(maps).toLookLike(BASELINE, { minScore: 0.99 });
});

test('WebGPU (SwiftShader here) renders maps that look like the CPU ones', async ({ page }) => {
  const maps = await scored(page, 'gpu');
  await base(page.getByTestId('backend')).toHaveText(/webgpu/i);
  await expect(maps).toLookLike(BASELINE, { minScore: 0.95 });
});

test('a different page does not look like them', async ({ page }) => {
  await page.goto('/?backend=cpu');
  // The rank tab: no maps at all.
  await expect(page.locator('body')).not.toLookLike(BASELINE, { minScore: 0.9, resize: 'stretch' });
});
