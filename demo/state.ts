/** The compare view's state, and the two things every part of the page reports through. */
import type { WorkerImage, WorkerResult } from '../src/browser/index.js';

export const $ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T => root.querySelector<T>(selector)!;

export interface Slot {
  name: string;
  /** Decoded and kept in the engine's worker. */
  image: WorkerImage;
}

export const page = {
  slots: { ref: null as Slot | null, dist: null as Slot | null },
  /** The shown comparison; its maps stay in the worker (result.mapImages) until the next one. */
  result: null as WorkerResult | null,
  /** The maps tab shown: images, pc, gm, similarity or difference. */
  view: 'images',
  zoom: 1,
  /** Bumped by every change that makes a running comparison stale: only the latest is shown. */
  runId: 0,
  /** Bumped by every drawing of the maps' tab: only the latest is put on screen. */
  drawId: 0,
  /** Both images aligned to this [rows, cols] (URL parameter size=WxH); otherwise to the reference. */
  alignSize: undefined as [number, number] | undefined,
};

/** body[data-state]: what tests and scripts wait on. */
export function setState(state: 'idle' | 'busy' | 'done' | 'error'): void {
  document.body.dataset.state = state;
}

/** A status line (text only: messages carry file names and URLs). */
export function status(text: string, error = false, id = 'status'): void {
  const el = $(`[data-testid="${id}"]`);
  el.textContent = text;
  el.classList.toggle('error', error);
}
