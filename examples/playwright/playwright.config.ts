/**
 * The Playwright example: the demo page (built into dist-demo/ by `npm run build`) served by
 * Vite's preview server, opened in headless Chromium with WebGPU (SwiftShader where there is
 * no GPU). Chromium is the system's (CHROMIUM_PATH, default /usr/bin/chromium), so no browser
 * download is needed.
 */
import { defineConfig } from '@playwright/test';

const PORT = 4179;

export default defineConfig({
  testDir: '.',
  // Results (and Playwright's last-run record) beside the example, ignored by git.
  outputDir: './test-results',
  timeout: 180_000,
  workers: 1,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
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
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
  },
});
