/**
 * The GPU benchmark kit (bench/deviceKit.ts): built from this checkout, its run.sh runs from an
 * empty folder with an empty environment — here against SwiftShader, allowed only by flag —
 * and writes one JSON file naming the adapter, its limits and every figure; a software adapter
 * without the flag fails loudly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const dir = mkdtempSync(join(tmpdir(), 'fsim-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the device kit', () => {
  it('builds under 64 MiB and runs from an empty folder: adapter, limits, golden check, timings', () => {
    expect(existsSync(join(ROOT, 'dist/bench/deviceKit.js')), 'dist/ is missing: run the tests with `npm test`').toBe(true);
    const kit = join(dir, 'kit');
    const build = spawnSync(process.execPath, [join(ROOT, 'dist/bench/deviceKit.js'), '--out', kit, '--xz-level', '0'], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/device kit: .*, \d+\.\d MiB \(limit 64 MiB\)/);

    const empty = mkdtempSync(join(dir, 'empty-'));
    const env = { PATH: '/usr/bin:/bin', HOME: empty, VK_ICD_FILENAMES: SWIFTSHADER, OUT: empty };
    // The fused kernels (the default on hardware adapters), in another layout, the per-stage
    // kernels, and one profile run.
    const args = [
      join(kit, 'run.sh'),
      '--sizes',
      '160x120',
      '--runs',
      '2',
      '--variants',
      'fused,fused+columns-first+lanes4,per-stage',
      '--profile-runs',
      '1',
      '--inflight',
      '2',
    ];
    const run = spawnSync('bash', [...args, '--allow-software'], { cwd: empty, env, encoding: 'utf8', timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^adapter: .*swiftshader/im);
    const report = JSON.parse(readFileSync(join(empty, 'fsim-device.json'), 'utf8'));
    expect(report.adapter).toMatch(/swiftshader/i);
    expect(report.software).toBe(true);
    expect(report.limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(16384);
    expect(report.golden.length).toBeGreaterThan(0);
    for (const g of report.golden) expect(g.delta).toBeLessThanOrEqual(1e-4);
    expect(report.rows.map((r: { variant: string }) => r.variant)).toEqual(['fused', 'fused+columns-first+lanes4', 'per-stage']);
    for (const row of report.rows) {
      expect(row.size).toEqual([160, 120]);
      for (const stage of ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling', 'total'])
        expect(row.stagesMs[stage]).toBeGreaterThan(0);
      expect(row.sustainedGpuMs).toBeGreaterThan(0);
      expect(row.peakGpuMemoryMiB).toBeGreaterThan(0);
    }
    // Every variant scores the same pair alike (f32 on all paths).
    for (const row of report.rows.slice(1)) expect(Math.abs(row.fsimc - report.rows[0].fsimc)).toBeLessThan(1e-5);
    // The fused variants' per-kernel profiles (named by the axis each inverse pass takes), and
    // the copy bandwidth either side.
    expect(report.profiles).toHaveLength(2);
    const shared = ['forwardRows', 'forwardColumns', 'medianHistogram', 'medianSelect', 'finish'];
    for (const [profile, inverse] of [
      [report.profiles[0], ['filterRows', 'columnsEnergy']],
      [report.profiles[1], ['filterColumns', 'rowsEnergy']],
    ])
      for (const kernel of [...shared, ...inverse]) expect(profile.kernelsMs[kernel], kernel).toBeGreaterThan(0);
    expect(report.copyBandwidthGBs.before).toBeGreaterThan(0);
    expect(report.copyBandwidthGBs.after).toBeGreaterThan(0);

    // Without --allow-software the same adapter is refused, loudly.
    const refused = spawnSync('bash', args, { cwd: empty, env, encoding: 'utf8', timeout: 300_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/FAILED: .* is a software adapter/);
    // Three variants and a profile on SwiftShader, each a device of its own (its shaders
    // compiled anew): 70–115 s on the 2-core dev VM.
  }, 400_000);
});
