/**
 * The page's URL parameters, checked: a parameter the page cannot honour is reported as typed
 * instead of being replaced by a default. No DOM here; controls.ts applies the result.
 */
import { type AlignMode, type FftKernels, MAX_PIXELS, MIN_SIDE } from '../src/browser/index.js';

export interface UrlParameters {
  scale?: string;
  colour?: boolean;
  threshold?: number;
  resize?: AlignMode;
  /** [rows, cols] from size=WxH. */
  size?: [number, number];
  /** backend=auto (default: the fastest here), gpu (any WebGPU adapter) or cpu (the worker). */
  backend: 'auto' | 'gpu' | 'cpu';
  /** kernels=auto (default), fused, fused-fft or per-stage: the WebGPU kernels (GpuBackendOptions.fft). */
  kernels?: FftKernels;
  ref?: string;
  dist?: string;
  /** One message per parameter that could not be honoured. */
  problems: string[];
}

export function readUrlParameters(params: URLSearchParams): UrlParameters {
  const out: UrlParameters = { backend: 'auto', problems: [] };
  const scale = params.get('scale');
  if (scale !== null) {
    if (scale === 'auto' || /^[1-9][0-9]{0,3}$/.test(scale)) out.scale = scale;
    else out.problems.push(`scale must be auto or an integer ≥ 1, got '${scale}'`);
  }
  const colour = params.get('colour');
  if (colour === '0' || colour === '1') out.colour = colour === '1';
  else if (colour !== null) out.problems.push(`colour must be 0 or 1, got '${colour}'`);
  const threshold = params.get('threshold');
  if (threshold !== null) {
    const value = /^(0(\.[0-9]*)?|1(\.0*)?|\.[0-9]+)$/.test(threshold) ? Number(threshold) : Number.NaN;
    if (value >= 0 && value <= 1) out.threshold = value;
    else out.problems.push(`threshold must be a number in [0, 1], got '${threshold}'`);
  }
  const resize = params.get('resize');
  if (resize === 'cover' || resize === 'stretch') out.resize = resize;
  else if (resize !== null) out.problems.push(`resize must be cover or stretch, got '${resize}'`);
  const size = params.get('size');
  if (size !== null) {
    const match = /^([0-9]{1,5})x([0-9]{1,5})$/.exec(size);
    const [width, height] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (width >= MIN_SIDE && height >= MIN_SIDE && width * height <= MAX_PIXELS) out.size = [height, width];
    else out.problems.push(`size must be WIDTHxHEIGHT (each ≥ 3, at most 8192×8192 pixels), got '${size}'`);
  }
  const backend = params.get('backend');
  if (backend === 'auto' || backend === 'gpu' || backend === 'cpu') out.backend = backend;
  else if (backend !== null) out.problems.push(`backend must be auto, gpu or cpu, got '${backend}'`);
  const kernels = params.get('kernels');
  if (kernels === 'auto' || kernels === 'fused' || kernels === 'fused-fft' || kernels === 'per-stage') out.kernels = kernels;
  else if (kernels !== null) out.problems.push(`kernels must be auto, fused, fused-fft or per-stage, got '${kernels}'`);
  out.ref = params.get('ref') ?? undefined;
  out.dist = params.get('dist') ?? undefined;
  return out;
}
