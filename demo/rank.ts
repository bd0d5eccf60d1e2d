/**
 * Rank mode: one reference and many candidates, shown as a gallery sorted by similarity.
 * Everything runs in the engine's worker: the reference is decoded and prepared once (its FFT
 * and phase congruency stay there), each candidate is decoded there, scored, and drawn into a
 * small thumbnail; a bad candidate is listed with its error and never stops the rest.
 */
import {
  type AlignMode,
  describeResized,
  type FsimWorker,
  type Resized,
  type ScaleOption,
  type WorkerImage,
} from '../src/browser/index.js';
import { drawBitmap, wireDrop } from './dom.js';

/** The gallery's thumbnails: drawn this small in the worker. */
const THUMBNAIL_SIDE = 160;

interface Entry {
  name: string;
  score?: number;
  fsim?: number;
  fsimc?: number;
  similar?: boolean;
  error?: string;
  thumbnail?: ImageBitmap;
  resized?: Resized;
}

export function rankInto(
  section: HTMLElement,
  fsim: FsimWorker,
  options: () => { scale: ScaleOption; colour: boolean; minScore: number; resize: AlignMode; size?: [number, number] },
): void {
  const q = <T extends HTMLElement>(s: string) => section.querySelector<T>(s)!;
  let reference: { name: string; image: WorkerImage } | null = null;
  let candidates: File[] = [];
  let running = 0;

  /** A thumbnail canvas, drawn once when its entry arrives. */
  const thumb = (bitmap: ImageBitmap): HTMLCanvasElement => {
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    bitmap.close();
    return canvas;
  };

  /**
   * An entry's gallery item, built once: later results only reorder the items and renumber
   * them, so each result costs the page one small canvas, not a redraw of the whole gallery.
   */
  const item = (entry: Entry): { li: HTMLLIElement; place?: HTMLElement } => {
    const li = document.createElement('li');
    li.dataset.testid = 'rank-item';
    li.dataset.file = entry.name;
    if (entry.error) {
      li.className = 'error';
      li.textContent = `${entry.name}: ${entry.error}`;
      return { li };
    }
    li.append(thumb(entry.thumbnail!));
    // File names are user input: text nodes only, never HTML.
    const line = document.createElement('div');
    const place = document.createElement('span');
    place.className = 'rank';
    line.append(
      place,
      ` ${entry.name}`,
      document.createElement('br'),
      `FSIM ${entry.fsim!.toFixed(4)} · FSIMc ${entry.fsimc!.toFixed(4)} · ${entry.similar ? 'similar' : 'not similar'}`,
    );
    if (entry.resized) {
      const note = document.createElement('div');
      note.className = 'resized';
      note.textContent = `resampled ${describeResized(entry.resized)}`;
      line.append(note);
    }
    li.dataset.score = String(entry.score);
    li.append(line);
    return { li, place };
  };

  const items = new Map<Entry, ReturnType<typeof item>>();
  const render = (entries: Entry[]) => {
    for (const entry of entries) if (!items.has(entry)) items.set(entry, item(entry));
    const sorted = [...entries].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
    sorted.forEach((entry, k) => {
      const place = items.get(entry)!.place;
      if (place) place.textContent = `#${k + 1}`;
    });
    q('[data-testid="gallery"]').replaceChildren(...sorted.map((entry) => items.get(entry)!.li));
  };

  const run = async () => {
    if (!reference || candidates.length === 0) return;
    const id = ++running;
    const { scale, colour, minScore, resize, size } = options();
    const compare = { scale, minScore, resize, ...(size ? { size } : {}) };
    const bar = q<HTMLProgressElement>('[data-testid="rank-progress"]');
    const statusLine = q('[data-testid="rank-status"]');
    bar.hidden = false;
    document.body.dataset.rankState = 'busy';
    const entries: Entry[] = [];
    items.clear();
    let prepared: Awaited<ReturnType<FsimWorker['prepare']>>;
    try {
      prepared = await fsim.prepare(reference.image, compare, reference.name);
    } catch (error) {
      statusLine.textContent = `reference: ${error instanceof Error ? error.message : String(error)}`;
      document.body.dataset.rankState = 'error';
      return;
    }
    for (const [k, file] of candidates.entries()) {
      if (id !== running) break;
      statusLine.textContent = `scoring ${k + 1} of ${candidates.length}: ${file.name}`;
      bar.value = k / candidates.length;
      let image: WorkerImage | undefined;
      try {
        image = await fsim.decode(file, file.name);
        const [r, thumbnail] = await Promise.all([fsim.compare(prepared, image, compare), image.bitmap({ maxSide: THUMBNAIL_SIDE })]);
        const score = colour ? r.fsimc : r.fsim;
        entries.push({
          name: file.name,
          thumbnail,
          fsim: r.fsim,
          fsimc: r.fsimc,
          score,
          similar: score >= minScore,
          resized: r.resized?.distorted,
        });
      } catch (error) {
        entries.push({ name: file.name, error: error instanceof Error ? error.message.replace(`${file.name}: `, '') : String(error) });
      } finally {
        image?.release();
      }
      if (id === running) render(entries);
    }
    prepared.release();
    bar.hidden = true;
    const failed = entries.filter((e) => e.error).length;
    statusLine.textContent = `ranked ${entries.length - failed} of ${entries.length} against ${reference.name}${failed ? ` (${failed} could not be scored)` : ''}, best first, by ${colour ? 'FSIMc' : 'FSIM'}`;
    document.body.dataset.rankState = 'done';
  };

  const refLabel = q('.drop[data-slot="rank-ref"]');
  const candidateLabel = q('.drop[data-slot="rank-candidates"]');
  wireDrop(refLabel, async ([file]) => {
    try {
      const image = await fsim.decode(file, file.name);
      reference?.image.release();
      reference = { name: file.name, image };
      drawBitmap(refLabel.querySelector<HTMLCanvasElement>('canvas.thumb')!, await image.bitmap({ maxSide: 480 }));
      refLabel.querySelector('.name')!.textContent = `${file.name} (${image.width}×${image.height})`;
      await run();
    } catch (error) {
      q('[data-testid="rank-status"]').textContent = error instanceof Error ? error.message : String(error);
    }
  });
  wireDrop(candidateLabel, (files) => {
    candidates = files;
    candidateLabel.querySelector('.name')!.textContent = `${files.length} image${files.length === 1 ? '' : 's'}`;
    void run();
  });
}
