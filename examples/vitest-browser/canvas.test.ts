/**
 * Vitest browser mode: the matcher compares what canvases show, in the browser under test,
 * on WebGPU and on the CPU path. A scene drawn twice with a little noise is similar; the same
 * scene with a shape moved is not; masking the moved shape makes it similar again.
 */
import { describe, expect, test } from 'vitest';
import 'fsim-gpu/vitest';

/** A 256×192 scene like the demo's sample: sky, hills, a house at (x, 60), a sun; optional noise. */
function scene(houseX: number, noise = 0): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 192;
  const g = canvas.getContext('2d')!;
  const sky = g.createLinearGradient(0, 0, 0, 192);
  sky.addColorStop(0, '#7fb2e5');
  sky.addColorStop(1, '#dfe9f3');
  g.fillStyle = sky;
  g.fillRect(0, 0, 256, 192);
  g.fillStyle = '#3f7a4a';
  g.beginPath();
  g.moveTo(0, 150);
  g.quadraticCurveTo(80, 90, 160, 140);
  g.quadraticCurveTo(210, 110, 256, 130);
  g.lineTo(256, 192);
  g.lineTo(0, 192);
  g.fill();
  g.fillStyle = '#c0392b';
  g.fillRect(houseX, 60, 50, 40);
  g.fillStyle = '#f5c542';
  g.beginPath();
  g.arc(210, 45, 22, 0, 2 * Math.PI);
  g.fill();
  for (let k = 0; k < 40; k++) g.fillRect(20 + k * 4, 20, 2, 24);
  if (noise > 0) {
    const pixels = g.getImageData(0, 0, 256, 192);
    let seed = 7;
    for (let i = 0; i < pixels.data.length; i++) {
      if (i % 4 === 3) continue;
      seed = (seed * 1103515245 + 12345) >>> 0;
      pixels.data[i] = Math.max(0, Math.min(255, pixels.data[i] + ((seed >>> 16) % (2 * noise + 1)) - noise));
    }
    g.putImageData(pixels, 0, 0);
  }
  return canvas;
}

for (const backend of ['gpu', 'cpu'] as const) {
  describe(`on ${backend === 'gpu' ? 'WebGPU' : 'the CPU path'}`, () => {
    test('rendering noise is tolerated', async () => {
      await expect(scene(100, 3)).toBeSimilarImage(scene(100), { minScore: 0.95, backend });
    });

    test('a moved shape is caught, with the region in the message', async () => {
      let message = '';
      try {
        await expect(scene(130)).toBeSimilarImage(scene(100), { minScore: 0.99, backend });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/expected the images to be similar: FSIMc 0\.\d{6} < min score 0\.99/);
      expect(message).toMatch(/regions that differ most/);
    });

    test('masking the moving shape makes the pages alike again', async () => {
      const mask = document.createElement('canvas');
      mask.width = 256;
      mask.height = 192;
      const g = mask.getContext('2d')!;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 256, 192);
      g.fillStyle = '#000';
      g.fillRect(80, 40, 130, 80);
      await expect(scene(130)).toBeSimilarImage(scene(100), { minScore: 0.99, mask, backend });
    });
  });
}
