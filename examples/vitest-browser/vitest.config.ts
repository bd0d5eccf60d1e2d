/**
 * The Vitest browser-mode example: tests that run inside headless Chromium (the system's,
 * CHROMIUM_PATH, default /usr/bin/chromium) with WebGPU (SwiftShader where there is no GPU),
 * comparing canvases with fsim-gpu's matcher. Run with `npm run test:examples`.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['examples/vitest-browser/**/*.test.ts'],
    testTimeout: 180_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--enable-unsafe-webgpu',
            '--enable-features=Vulkan',
            '--use-angle=swiftshader',
            '--use-webgpu-adapter=swiftshader',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
