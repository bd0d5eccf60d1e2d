/**
 * The CPU path's parallel work as tasks over shared maps: each covers a range of rows or
 * columns of one image, so every thread works on the same image and the maps exist once,
 * whatever the thread count. The backend (backend.ts) splits each step into ranges and awaits
 * them; a TaskRunner runs them on the calling thread, in a Node worker or in a Web Worker.
 */
import { type BankMaps, type FilterBank, fillAngular, fillNoiseChunks, fillRadial } from '../bank.js';
import { Fft2D, type HeapPart } from './fft2d.js';
import type { HeapScratch } from './wasm/heap.js';
import { gradientRows } from './gradient.js';
import { type PoolingInput, poolChunks } from './pooling.js';
import { addThresholded, columnPass, type PcMaps, rowPass, type Spectrum } from './phaseCongruency.js';

/** Rows, columns or pooling chunks [from, to), as the kind says, of a rows × cols image: part `part` of a step. */
interface Range {
  readonly rows: number;
  readonly cols: number;
  readonly from: number;
  readonly to: number;
  readonly part: number;
}

export type CpuTask = Range &
  (
    | /** Row DFTs of the luminance (rows from an even one). */
    { readonly kind: 'spectrumRows'; readonly y: Float64Array; readonly spectrum: Spectrum }
    /** Column DFTs of the kept columns [from, to) ⊂ [0, ⌊cols/2⌋], completing the spectrum (in place on the heap, when it has one). */
    | { readonly kind: 'spectrumColumns'; readonly spectrum: Spectrum; readonly heap: HeapScratch | null }
    /** Phase congruency, orientation o: the filtered column inverse DFTs of scales [scales[0], scales[1]). */
    | {
        readonly kind: 'pcColumns';
        readonly bank: FilterBank;
        readonly spectrum: Spectrum;
        readonly orientation: number;
        readonly scales: readonly [number, number];
        readonly heap: HeapScratch | null;
        readonly maps: PcMaps;
      }
    /** The row inverse DFTs, energy and amplitude (on the heap, when it has one). */
    | { readonly kind: 'pcRows'; readonly maps: PcMaps; readonly first: boolean; readonly heap: HeapScratch | null }
    /** total (= if first, else +=) max(energy − threshold, 0). */
    | {
        readonly kind: 'pcThreshold';
        readonly maps: PcMaps;
        readonly total: Float64Array;
        readonly threshold: number;
        readonly first: boolean;
      }
    /** The filter bank's radial quadrant (quadrant rows) or angular maps (rows). */
    | { readonly kind: 'bankRadial' | 'bankAngular'; readonly bank: BankMaps }
    /** The bank's noise sums, chunks [from, to) of NOISE_CHUNK_ROWS rows, into `sums`. */
    | { readonly kind: 'bankNoise'; readonly bank: BankMaps; readonly sums: Float64Array }
    /** Scharr gradient magnitude. */
    | { readonly kind: 'gradient'; readonly y: Float64Array; readonly gm: Float64Array }
    /** Pooling sums of chunks [from, to) (POOL_CHUNK pixels each). */
    | {
        readonly kind: 'pool';
        readonly a: PoolingInput;
        readonly b: PoolingInput;
        readonly sums: Float64Array;
        readonly similarity: Float64Array | null;
        readonly mask: Uint8Array | null;
      }
  );

function heapPart(task: { heap: HeapScratch | null; part: number }): HeapPart | undefined {
  return task.heap ? { scratch: task.heap, part: task.part } : undefined;
}

/** Runs tasks on one thread, keeping the transforms (and their scratch) of the most recent size. */
export class TaskRunner {
  private fft: Fft2D | null = null;

  private fftFor(rows: number, cols: number): Fft2D {
    if (!this.fft || this.fft.rows !== rows || this.fft.cols !== cols) {
      this.fft = null;
      this.fft = new Fft2D(rows, cols);
    }
    return this.fft;
  }

  run(task: CpuTask): void {
    const { rows, cols, from, to } = task;
    switch (task.kind) {
      case 'spectrumRows':
        this.fftFor(rows, cols).forwardRealRows(task.y, task.spectrum.re, task.spectrum.im, from, to);
        break;
      case 'spectrumColumns': {
        const fft = this.fftFor(rows, cols);
        fft.columns(task.spectrum.re, task.spectrum.im, from, to, false, fft.halfCols, heapPart(task));
        break;
      }
      case 'pcColumns':
        columnPass(this.fftFor(rows, cols), task.bank, task.spectrum, task.orientation, task.maps, task.scales, from, to, heapPart(task));
        break;
      case 'pcRows':
        rowPass(this.fftFor(rows, cols), task.maps, task.first, from, to, heapPart(task));
        break;
      case 'pcThreshold':
        addThresholded(task.total, task.maps.energy, task.threshold, task.first, from * cols, to * cols);
        break;
      case 'bankRadial':
        fillRadial(task.bank, from, to);
        break;
      case 'bankAngular':
        fillAngular(task.bank, from, to);
        break;
      case 'bankNoise':
        fillNoiseChunks(task.bank, from, to, task.sums);
        break;
      case 'gradient':
        gradientRows(task.y, rows, cols, task.gm, from, to);
        break;
      case 'pool':
        poolChunks(task.a, task.b, from, to, task.sums, task.similarity, task.mask);
        break;
    }
  }
}
