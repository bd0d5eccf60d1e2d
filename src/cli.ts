/**
 * The `fsim` command.
 *   fsim compare REF DIST [--scale auto|N] [--backend cpu|gpu|auto] [--threshold T]
 *                         [--json] [--maps DIR] [--assert-similar]
 * Exit status: 0 done, 1 not similar under --assert-similar, 2 bad usage or input.
 */
import { DEFAULT_THRESHOLD } from './constants.js';
import { FsimError } from './errors.js';
import { checkThreshold, type FsimResult } from './fsim.js';
import { validateImage } from './image.js';
import type { ScaleOption } from './scale.js';
import { checkBackendKind, createFsim, decodeFile, type BackendKind } from './node/index.js';
import { writeHeatmaps } from './node/heatmap.js';

const USAGE = `usage: fsim compare REF DIST [options]

Compares two images with FSIM and FSIMc (Zhang et al., IEEE TIP 2011).

options:
  --scale auto|N       downsampling: auto (the reference: F = round(min side / 256)) or F = N ≥ 1
  --backend cpu|gpu|auto
                       cpu: float64 reference path; gpu: WebGPU (never falls back); auto (default)
  --threshold T        "similar" when FSIMc ≥ T (default ${DEFAULT_THRESHOLD})
  --json               print one JSON object with the result on stdout
  --maps DIR           write PC, gradient and local-similarity heatmaps as PNG into DIR
  --assert-similar     exit with status 1 when the images are not similar
  -h, --help           show this help

exit status: 0 done, 1 not similar (with --assert-similar), 2 bad usage or input`;

interface CompareArgs {
  ref: string;
  dist: string;
  scale: ScaleOption;
  backend: BackendKind;
  threshold: number;
  json: boolean;
  maps?: string;
  assertSimilar: boolean;
}

function usageError(message: string): never {
  throw new FsimError('USAGE', `${message} (see fsim --help)`);
}

export function parseScale(value: string): ScaleOption {
  if (value === 'auto') return 'auto';
  if (!/^[1-9][0-9]*$/.test(value)) usageError(`--scale must be auto or an integer ≥ 1, got '${value}'`);
  return Number(value);
}

function parseCompare(args: string[]): CompareArgs {
  const positional: string[] = [];
  const out: Partial<CompareArgs> = { scale: 'auto', backend: 'auto', threshold: DEFAULT_THRESHOLD, json: false, assertSimilar: false };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    const value = (): string => {
      const v = args[++k];
      if (v === undefined) usageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--scale': out.scale = parseScale(value()); break;
      case '--backend': out.backend = checkBackendKind(value()); break;
      case '--threshold': {
        const v = value();
        out.threshold = checkThreshold(/^[0-9.eE+-]+$/.test(v) ? Number(v) : NaN);
        break;
      }
      case '--json': out.json = true; break;
      case '--maps': out.maps = value(); break;
      case '--assert-similar': out.assertSimilar = true; break;
      default:
        if (arg.startsWith('-') && arg !== '-') usageError(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 2) usageError(`compare takes two images, got ${positional.length}`);
  return { ...(out as CompareArgs), ref: positional[0], dist: positional[1] };
}

function formatHuman(r: FsimResult): string {
  const ms = (v?: number): string => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const lines = [
    `FSIM      ${r.fsim.toFixed(6)}`,
    `FSIMc     ${r.fsimc.toFixed(6)}${r.colour ? '' : '  (greyscale: FSIMc = FSIM)'}`,
    `verdict   ${r.similar ? 'similar' : 'not similar'} (FSIMc ${r.similar ? '≥' : '<'} ${r.threshold})`,
    `scale     F = ${r.scale}: ${r.size[0]}×${r.size[1]} → ${r.downsampled[0]}×${r.downsampled[1]} (rows×cols)`,
    `backend   ${r.backend}`,
    `time      ${ms(r.timings.total)} (phase congruency ${ms(r.timings.phaseCongruency)})`,
  ];
  if (r.pooling === 'uniform') lines.push('note      neither image has phase congruency (flat): pooled uniformly');
  return lines.join('\n');
}

async function compareCommand(args: string[]): Promise<number> {
  const opts = parseCompare(args);
  const [ref, dist] = await Promise.all([decodeFile(opts.ref), decodeFile(opts.dist)]);
  validateImage(ref, opts.ref);
  validateImage(dist, opts.dist);
  if (ref.width !== dist.width || ref.height !== dist.height) {
    throw new FsimError('SIZE', `${opts.dist}: size ${dist.width}×${dist.height} differs from ${opts.ref} (${ref.width}×${ref.height}); FSIM compares images of one size`);
  }
  const engine = await createFsim({ backend: opts.backend });
  let result: FsimResult;
  try {
    result = await engine.compare(ref, dist, { scale: opts.scale, threshold: opts.threshold, maps: opts.maps !== undefined });
  } finally {
    await engine.dispose();
  }
  let written: string[] = [];
  if (opts.maps && result.maps) written = await writeHeatmaps(opts.maps, result.maps, result.downsampled[0], result.downsampled[1]);
  const { maps: _maps, ...fields } = result;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ reference: opts.ref, distorted: opts.dist, ...fields, ...(opts.maps ? { mapFiles: written } : {}) })}\n`);
  } else {
    process.stdout.write(`${formatHuman(result)}\n`);
    if (written.length) process.stdout.write(`maps      ${written.join(', ')}\n`);
  }
  return opts.assertSimilar && !result.similar ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command === 'compare') return await compareCommand(rest);
    usageError(`unknown command '${command}'`);
  } catch (error) {
    const message = error instanceof FsimError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`fsim: ${message}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code: error instanceof FsimError ? error.code : 'INTERNAL' })}\n`);
    return 2;
  }
}
