/**
 * The package as users get it: `npm pack`, unpacked into fresh projects' node_modules (its
 * dependencies linked from this checkout's, as npm would install them), then used the usual
 * ways — a CommonJS Jest project with `setupFilesAfterEnv: ['fsim-gpu/jest']`, TypeScript with
 * skipLibCheck off (Node and browser projects), and a Vite app that runs the engine in its
 * Worker (built, then opened in headless Chromium). And what the tarball holds: LICENSE, no
 * stale build output, every file the README links to, at this version.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../scripts/serveProcess.js';
import { golden, GPU_TOLERANCE, IMAGES } from '../fixtures.js';
import { launch, serve } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MODULES = join(ROOT, 'node_modules');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'fsim-package-'));
let packed: string[] = [];
let unpacked: string;

/** A project folder with fsim-gpu unpacked in its node_modules and the given packages linked. */
function project(name: string, links: string[], files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  // A copy where npm would put it (a link would resolve to a folder outside the project, whose
  // own dependencies then would not be found).
  cpSync(unpacked, join(dir, 'node_modules', 'fsim-gpu'), { recursive: true });
  for (const link of ['wgsl-preprocessor', '@webgpu', 'sharp', '@img', 'webgpu', ...links])
    symlinkSync(join(MODULES, link), join(dir, 'node_modules', link));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

beforeAll(() => {
  // The build is npm test's (it runs before the suites); --ignore-scripts does not rebuild.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);
  unpacked = join(work, 'package');
  execFileSync('tar', ['-xzf', join(work, info.filename), '-C', work]);
}, 120_000);

describe('the tarball', () => {
  it('holds LICENSE, every file the README links to (at this version), and no build output without a source', () => {
    expect(packed).toContain('LICENSE');
    const readme = readFileSync(join(unpacked, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      if (link.startsWith('#')) continue;
      expect(link, 'a README link that resolves only in the repository').toMatch(/^https?:\/\//);
      const own = new RegExp(`^https://unpkg\\.com/fsim-gpu@${version.replace(/\./g, '\\.')}/([^#]+)`).exec(link);
      if (own) expect(packed, link).toContain(own[1]);
      else expect(link).not.toMatch(/unpkg\.com\/fsim-gpu/);
    }
    // Every compiled module has its source: nothing left over from an earlier build.
    for (const file of packed.filter((f) => /^dist\/(src|shaders)\/.*\.js$/.test(f) && !/\.bundle\.js$/.test(f))) {
      expect(existsSync(join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), file).toBe(true);
    }
  });
});

describe('Jest, configured as usual (CommonJS, setupFilesAfterEnv)', () => {
  it("finds the matchers through require('fsim-gpu/jest'), and they pass and fail where they should", () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const dir = project('jest', [], {
      'package.json': JSON.stringify({
        name: 'jest-project',
        private: true,
        jest: { setupFilesAfterEnv: ['fsim-gpu/jest'], testEnvironment: 'node' },
      }),
      'images.test.js': `
const images = ${JSON.stringify(IMAGES)};
test('a distorted copy is similar', async () => {
  await expect(images + '/${c.dist}').toBeSimilarImage(images + '/${c.ref}', { minScore: 0.9 });
});
test('another scene is not, and the failure gives the scores', async () => {
  await expect(expect(images + '/I03.bmp').toBeSimilarImage(images + '/I01.bmp', { minScore: 0.9 })).rejects.toThrow(/FSIMc 0\\.\\d{6} < min score 0\\.9/);
});
`,
    });
    const r = spawnSync(process.execPath, [join(MODULES, 'jest/bin/jest.js'), '--rootDir', dir, '--ci'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Tests: +2 passed, 2 total/);
  });
});

describe('TypeScript with skipLibCheck off', () => {
  const tsc = (dir: string, config: object) => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    return spawnSync(process.execPath, [join(MODULES, 'typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  };

  it('a Node project (its own @types/node) type-checks every entry point', () => {
    const dir = project('types-node', ['@types'], {
      'use.ts': `import { Fsim } from 'fsim-gpu';\nimport { compareImages } from 'fsim-gpu/node';\nimport { createFsim } from 'fsim-gpu/browser';\nimport 'fsim-gpu/vitest';\nexport const used = [Fsim, compareImages, createFsim];\n`,
    });
    const r = tsc(dir, {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        lib: ['ES2022', 'DOM'],
        types: ['node'],
      },
      files: ['use.ts'],
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a browser project (no Node types) type-checks fsim-gpu/browser', () => {
    const dir = project('types-browser', [], {
      'use.ts': `import { createFsim } from 'fsim-gpu/browser';\nexport const engine = createFsim({ worker: true });\n`,
    });
    const r = tsc(dir, {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        lib: ['ES2022', 'DOM'],
        types: [],
      },
      files: ['use.ts'],
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a Vite app with the engine in its Worker', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds, and scores a golden pair in Chromium on the CPU path and on WebGPU', async () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const dir = project('vite', ['vite', 'rolldown', '@rolldown'], {
      'package.json': JSON.stringify({ name: 'vite-project', private: true, type: 'module' }),
      'index.html': '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>',
      'main.js': `
import { createFsim } from 'fsim-gpu/browser';
const backend = new URLSearchParams(location.search).get('backend');
try {
  const fsim = await createFsim({ worker: true, backend });
  const [a, b] = await Promise.all([fsim.decode('/fixtures/images/${c.ref}'), fsim.decode('/fixtures/images/${c.dist}')]);
  const r = await fsim.compare(a, b, { mapImages: true });
  const view = await r.mapImages.image('similarity');
  document.body.dataset.result = JSON.stringify({ fsim: r.fsim, fsimc: r.fsimc, backend: r.backend, view: [view.width, view.height] });
  await fsim.dispose();
} catch (error) {
  document.body.dataset.result = JSON.stringify({ error: String(error && error.message) });
}
document.body.dataset.state = 'done';
`,
    });
    const build = spawnSync(process.execPath, [join(MODULES, 'vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(build.status, build.stderr).toBe(0);
    expect(readdirSync(join(dir, 'dist/assets')).some((f) => f.startsWith('engineWorker'))).toBe(true);
    server = await serve({}, join(dir, 'dist'));
    browser = await launch(true);
    for (const backend of ['cpu', 'gpu']) {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?backend=${backend}`);
      await page.waitForFunction(() => document.body.dataset.state === 'done', { timeout: 300_000 });
      const result = JSON.parse((await page.evaluate(() => document.body.dataset.result)) ?? '{}');
      expect(result.error, backend).toBeUndefined();
      expect(result.backend).toMatch(backend === 'cpu' ? /^cpu \(/ : /^webgpu \(/);
      expect(Math.abs(result.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
      expect(result.view).toEqual([c.downsampled[1], c.downsampled[0]]);
      await page.close();
    }
  });
});

describe('fsim serve, from the tarball', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it('serves the demo (scoring its sample pair in Chromium) and /v1/compare', async () => {
    const c = golden.find((g) => g.case === 'I01')!;
    // Every installed package beside it, as npm would have put fsim-gpu's dependencies.
    const installed = readdirSync(MODULES).filter(
      (name) => !name.startsWith('.') && !['fsim-gpu', 'wgsl-preprocessor', '@webgpu', 'sharp', '@img', 'webgpu'].includes(name),
    );
    const dir = project('serve', installed, { 'package.json': JSON.stringify({ name: 'serve-project', private: true }) });
    const server = await startServe(join(dir, 'node_modules/fsim-gpu/bin/fsim.js'), ['--port', '0', '--backend', 'cpu'], { cwd: dir });
    try {
      const { url } = server;
      expect(server.stderr()).toMatch(/the demo at \//);
      const body = new FormData();
      body.append('reference', new Blob([readFileSync(join(IMAGES, c.ref))]), c.ref);
      body.append('distorted', new Blob([readFileSync(join(IMAGES, c.dist))]), c.dist);
      const answer = (await (await fetch(`${url}/v1/compare`, { method: 'POST', body })).json()) as { fsimc: number };
      expect(Math.abs(answer.fsimc - c.fsimc)).toBeLessThanOrEqual(1e-6);
      const home = await fetch(`${url}/`);
      expect(home.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      browser = await launch(true);
      const page = await browser.newPage();
      await page.goto(`${url}/?backend=cpu`);
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 300_000 });
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');
      expect(Number(await page.$eval('[data-testid="fsimc"]', (e) => e.textContent))).toBeGreaterThan(0.5);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.close();
    } finally {
      await server.stop();
    }
  }, 300_000);
});
