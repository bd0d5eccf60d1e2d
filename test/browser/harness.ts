/**
 * Browser test harness: serves the built demo (dist-demo/) plus ../shared/fixtures under
 * /fixtures on 127.0.0.1 (a secure context, so navigator.gpu exists), and launches
 * Debian's headless Chromium with WebGPU (SwiftShader on machines without a GPU).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { FIXTURES } from '../fixtures.js';

export const SITE = resolve(import.meta.dirname, '../../dist-demo');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.json': 'application/json',
};

/**
 * Serves `site` (the built demo by default) with the fixtures under /fixtures/ and any other
 * folders under the prefixes `mounts` names (e.g. { '/generated/': dir }).
 */
export async function serve(mounts: Record<string, string> = {}, site = SITE): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(site, 'index.html')))
    throw new Error(`${site} has no index.html: run the tests with \`npm test\` (it builds first)`);
  const roots: [string, string][] = [['/fixtures/', FIXTURES], ...Object.entries(mounts)];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const mount = roots.find(([prefix]) => path.startsWith(prefix));
    const [root, rest] = mount ? [mount[1], path.slice(mount[0].length)] : [site, path.slice(1) || 'index.html'];
    const file = normalize(join(root, rest));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404).end('not found');
      return;
    }
    // Cross-origin isolated, as the demo's own server sends it (vite.config.ts): the CPU path's threads.
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(webgpu = true): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...(webgpu
        ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader']
        : ['--disable-webgpu']),
    ],
    protocolTimeout: 600_000,
  });
}
