/**
 * Engines and file-level helpers for Node. Light to import: the WebGPU stack (Dawn, the GPU
 * backend) and libvips load only when a GPU engine or a codec is first asked for, so a CPU
 * run or `fsim --help` never pays for them.
 */
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../cpu/backend.js';
import { type BackendKind, pickBackend } from '../engine.js';
import { FsimError, printable } from '../errors.js';
import { type CompareOptions, type Fsim, type FsimResult, toResolvedCompare } from '../fsim.js';
import type { LimitsPolicy } from '../gpu/device.js';
import { validateImage } from '../image.js';
import { COMPARE_SPECS, ENGINE_SPECS, resolveOptions } from '../optionTable.js';
import { type RankCandidate, type RankOptions, type RankResult, type ResolvedRank, rankWith, resolveRankOptions } from '../rank.js';
import { decodeFile, sniffFormat } from './decode.js';
import { WorkerPoolExecutor } from './workerPool.js';

const NO_ADAPTER_HINT = 'no GPU driver was found; the CPU backend needs none';

export interface EngineOptions {
  /** 'cpu' (float64), 'gpu' (WebGPU on any adapter, never falls back) or 'auto' (WebGPU on a hardware adapter, else the CPU). */
  backend?: BackendKind;
  /**
   * CPU worker threads, 1…MAX_THREADS (default: the cores, at most 4): the CPU path's work.
   * Every engine of a process shares one pool, sized by the largest `threads` among the live
   * engines.
   */
  threads?: number;
  /** GPU limits: 'adapter' (default) asks for the adapter's buffer-size maxima, 'default' keeps WebGPU's. */
  limits?: LimitsPolicy;
}

/** Engine options resolved by an entry point (src/optionTable.ts), frozen. */
export interface ResolvedEngine {
  readonly backend: BackendKind;
  readonly threads?: number;
  readonly limits?: LimitsPolicy;
}

/** The CPU path may take 80% of this machine's memory for one comparison. */
const cpuMemoryBudget = (): number => 0.8 * totalmem();

/** Creates an engine; dispose() it to stop its threads (idle threads never hold the process open). */
export async function createFsim(options?: EngineOptions): Promise<Fsim> {
  return createFsimWith(resolveOptions(ENGINE_SPECS, options, 'createFsim'));
}

/** Why 'auto' found no hardware GPU in this process, once it looked (so it looks once). */
let noHardwareGpu: string | undefined;

/** How a process runs its engine beyond the options users give: `sideBySide` for fsim serve (CpuBackendOptions.offloadFrom 0). */
export interface EngineRole {
  readonly sideBySide?: boolean;
}

/** createFsim() for options resolved already. */
export async function createFsimWith({ backend, threads, limits }: ResolvedEngine, role: EngineRole = {}): Promise<Fsim> {
  const gpu = async () => {
    const [{ GpuBackend }, { DeviceManager }, { nodeGpu }] = await Promise.all([
      import('../gpu/backend.js'),
      import('../gpu/device.js'),
      import('./webgpu.js'),
    ]);
    return GpuBackend.create(new DeviceManager(nodeGpu, { limits, noAdapterHint: NO_ADAPTER_HINT }));
  };
  return pickBackend(backend, {
    gpu,
    cpu: (note) =>
      new CpuBackend(new WorkerPoolExecutor(threads), {
        note,
        memoryBudget: cpuMemoryBudget(),
        ...(role.sideBySide ? { offloadFrom: 0 } : {}),
      }),
    // 'auto': the GPU only for large work (src/autoBackend.ts), and not at all, without loading
    // Dawn, where no driver is installed or an earlier engine of this process found none.
    gpuByWork: async () => {
      if (noHardwareGpu) throw new FsimError('BACKEND', noHardwareGpu);
      const { gpuDriversLikely } = await import('./webgpu.js');
      if (!gpuDriversLikely()) {
        noHardwareGpu = 'no GPU driver is installed';
        throw new FsimError('BACKEND', noHardwareGpu);
      }
      try {
        const found = await gpu();
        if (found.software) noHardwareGpu = `only a software adapter (${found.name})`;
        return found;
      } catch (error) {
        noHardwareGpu = error instanceof Error ? error.message : String(error);
        throw error;
      }
    },
  });
}

/** Decodes two files and compares them with a temporary engine. */
export async function compareFiles(refPath: string, distPath: string, options?: CompareOptions & EngineOptions): Promise<FsimResult> {
  const o = resolveOptions([...ENGINE_SPECS, ...COMPARE_SPECS], options, 'compareFiles');
  const { backend, threads, limits } = o;
  const resolved = toResolvedCompare(o);
  const [ref, dist] = await Promise.all([decodeFile(refPath), decodeFile(distPath)]);
  const engine = await createFsimWith({ backend, threads, limits });
  try {
    return await engine.compareWith(ref, dist, resolved);
  } finally {
    await engine.dispose();
  }
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|bmp|gif|webp|tiff?|avif)$/i;

/** Whether a file's first bytes are a supported image's signature (a folder's files are chosen by content). */
async function looksLikeImage(path: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sniffFormat(head.subarray(0, bytesRead)) !== null;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * Files as given, directories expanded to their images, recursively, sorted: a file is an
 * image by its bytes (a PNG without an extension counts), or by its name (a damaged .png is
 * listed, to be reported with its error, not skipped in silence).
 */
export async function* expandCandidates(paths: readonly string[]): AsyncGenerator<string> {
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      // Missing files are yielded too: their error lands in the results.
    }
    if (!isDirectory) {
      yield path;
      continue;
    }
    const files = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
      .sort();
    for (const file of files) if (IMAGE_EXTENSIONS.test(file) || (await looksLikeImage(file))) yield file;
  }
}

/** Ranks image files (directories expanded) against a reference file. */
export async function rankFiles(
  referencePath: string,
  candidatePaths: readonly string[],
  engine: Fsim,
  options?: RankOptions,
): Promise<RankResult> {
  return rankFilesWith(referencePath, candidatePaths, engine, resolveRankOptions(options, 'rankFiles'));
}

/** rankFiles() for options resolved already. */
export async function rankFilesWith(
  referencePath: string,
  candidatePaths: readonly string[],
  engine: Fsim,
  options: ResolvedRank,
): Promise<RankResult> {
  if (!Array.isArray(candidatePaths)) throw new FsimError('USAGE', 'candidatePaths must be an array of paths');
  const reference = await decodeFile(referencePath);
  validateImage(reference, printable(referencePath));
  // Paths only (cheap), so progress knows the total; images are decoded as ranking goes.
  const files: string[] = [];
  for await (const file of expandCandidates(candidatePaths)) files.push(file);
  if (files.length === 0) throw new FsimError('INPUT', `no candidate images in ${candidatePaths.map((p) => printable(p)).join(', ')}`);
  const candidates = files.map(
    (file): RankCandidate => ({
      name: file,
      load: () => decodeFile(file),
    }),
  );
  return rankWith(engine, reference, candidates, options);
}
