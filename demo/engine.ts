/**
 * The demo's engine: the library's engine in a dedicated Worker (createFsim({ worker: true })),
 * so the page never freezes — it decodes, compares, ranks and draws the maps there, and the
 * page only shows what comes back. WebGPU where the browser has a hardware adapter, otherwise
 * the float64 CPU path (on several threads where the page is cross-origin isolated).
 */
import { type BackendKind, createFsim, type FftKernels, type FsimWorker } from '../src/browser/index.js';

export interface Engine {
  readonly fsim: FsimWorker;
  /** 'gpu' or 'cpu'; `reason` says why the CPU is used. */
  readonly kind: 'gpu' | 'cpu';
  readonly reason?: string;
}

/**
 * The fastest engine here, as the library's 'auto' decides (src/engine.ts): WebGPU on a
 * hardware adapter, else the CPU path — a software adapter such as SwiftShader, which Chromium
 * offers where there is no GPU, is ~10× slower than the CPU path. 'gpu' takes any adapter (and
 * falls back to the CPU where there is none, saying why), 'cpu' always the CPU path.
 */
export async function createEngine(choice: BackendKind, kernels: FftKernels = 'auto'): Promise<Engine> {
  let fsim: FsimWorker;
  let fallback: string | undefined;
  try {
    fsim = await createFsim({ worker: true, backend: choice, kernels });
  } catch (error) {
    fallback = error instanceof Error ? error.message : String(error);
    fsim = await createFsim({ worker: true, backend: 'cpu' });
  }
  const { kind, note } = fsim.backend;
  if (kind === 'gpu') return { fsim, kind };
  const reason = fallback ?? (choice === 'cpu' ? 'CPU requested' : note);
  return { fsim, kind, reason: reason?.replace(/; ask for the gpu backend to use it$/, '; choose WebGPU to use it') };
}
