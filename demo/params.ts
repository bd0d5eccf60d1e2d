/**
 * The page's URL parameters, checked by the library's option table (src/optionTable.ts: the
 * same names, checks and messages as the CLI's flags): a parameter the page cannot honour is
 * reported as typed instead of being replaced by a default. No DOM here; controls.ts applies
 * the result.
 */
import { type AlignMode, type BackendKind, type FftKernels, optionTable } from '../src/browser/index.js';

export interface UrlParameters {
  scale?: string;
  colour?: boolean;
  /** min-score=S (threshold=S, its older name). */
  minScore?: number;
  resize?: AlignMode;
  /** [rows, cols] from size=WxH. */
  size?: [number, number];
  /** backend=auto (default: the fastest here), gpu (any WebGPU adapter) or cpu (the CPU path). */
  backend: BackendKind;
  /** kernels=auto (default), fused, fused-fft or per-stage: the WebGPU kernels (GpuBackendOptions.fft). */
  kernels?: FftKernels;
  ref?: string;
  dist?: string;
  /** One message per parameter that could not be honoured. */
  problems: string[];
}

export function readUrlParameters(params: URLSearchParams): UrlParameters {
  const out: UrlParameters = { backend: 'auto', problems: [] };
  const given: Record<string, unknown> = {};
  // Each parameter on its own, in the table's order, so that every one that cannot be honoured is reported.
  for (const spec of optionTable.DEMO_SPECS as readonly optionTable.OptionSpec[]) {
    const texts = Object.fromEntries(
      [spec.flag!, ...(spec.flagAliases ?? [])].flatMap((key) => (params.has(key) ? [[key, params.get(key)!]] : [])),
    );
    if (Object.keys(texts).length === 0) continue;
    try {
      const text = optionTable.parseOptionText([spec], texts);
      given[spec.name] = (optionTable.resolveOptions([spec], text, 'page', 'parameter') as Record<string, unknown>)[spec.name];
    } catch (error) {
      out.problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (given.scale !== undefined) out.scale = String(given.scale);
  if (given.colour !== undefined) out.colour = given.colour as boolean;
  if (given.minScore !== undefined) out.minScore = given.minScore as number;
  if (given.resize !== undefined) out.resize = given.resize as AlignMode;
  if (given.size !== undefined) {
    const [width, height] = given.size as [number, number];
    out.size = [height, width];
  }
  if (given.backend !== undefined) out.backend = given.backend as BackendKind;
  if (given.kernels !== undefined) out.kernels = given.kernels as FftKernels;
  out.ref = params.get('ref') ?? undefined;
  out.dist = params.get('dist') ?? undefined;
  return out;
}
