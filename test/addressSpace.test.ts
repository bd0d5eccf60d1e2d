/**
 * Under an address-space limit (`ulimit -v`, as shared clusters and some CI runners set it),
 * where a WebAssembly memory cannot be had (each reserves far more address space than it
 * holds), the CPU path runs its JavaScript kernels: the same bits, never an error. The built
 * CLI runs under prlimit, against the same command without the limit; small work (one thread)
 * and large work (the worker threads) both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPU_TOLERANCE, golden, image } from './fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/fsim.js');
const PRLIMIT = '/usr/bin/prlimit';
/** 4 GiB of address space: the Node runtime fits, a WebAssembly memory with its guard regions does not. */
const LIMIT = 4 * 2 ** 30;

function compare(args: string[], limited: boolean) {
  const command = limited ? [PRLIMIT, `--as=${LIMIT}`, process.execPath, BIN] : [process.execPath, BIN];
  const r = spawnSync(command[0], [...command.slice(1), 'compare', ...args, '--json'], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('under an address-space limit', () => {
  it('prlimit is there (util-linux)', () => {
    expect(existsSync(PRLIMIT)).toBe(true);
  });

  it.each([
    ['I01', ['--scale', 'auto']],
    ['I01_x2_scale1', ['--scale', '1']],
  ] as const)('%s: the scores, bit for bit those without the limit, within the golden tolerance', (name, scale) => {
    const c = golden.find((g) => g.case === name)!;
    const args = [image(c.ref), image(c.dist), ...scale, '--backend', 'cpu'];
    const free = compare(args, false);
    const limited = compare(args, true);
    expect(limited.status, limited.stderr).toBe(0);
    expect(limited.stderr).toBe('');
    expect(limited.out.fsim).toBe(free.out.fsim);
    expect(limited.out.fsimc).toBe(free.out.fsimc);
    expect(Math.abs(limited.out.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
  });

  it('the default backend too (small work never loads the WebGPU stack)', () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const limited = compare([image(c.ref), image(c.dist)], true);
    expect(limited.status, limited.stderr).toBe(0);
    expect(Math.abs(limited.out.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
  });
});
