/** The compare view's controls: what they say, what the URL sets them to, and what they trigger. */
import type { AlignMode, ScaleOption } from '../src/browser/index.js';
import type { UrlParameters } from './params.js';
import { applyZoom, renderScores, renderView } from './render.js';
import { $, page } from './state.js';

/** The options the controls stand for now (the library's names: src/optionTable.ts). */
export function options() {
  const scaleValue = ($('#scale') as HTMLSelectElement).value;
  return {
    scale: (scaleValue === 'auto' ? 'auto' : Number(scaleValue)) as ScaleOption,
    colour: ($('#colour') as HTMLInputElement).checked,
    minScore: Number(($('#threshold') as HTMLInputElement).value),
    resize: ($('#resize') as HTMLSelectElement).value as AlignMode,
    // [width, height], as the library takes it.
    ...(page.alignSize ? { size: [page.alignSize[1], page.alignSize[0]] as [number, number] } : {}),
  };
}

/** What a comparison takes of the controls. */
export function compareOptions() {
  const { scale, minScore, resize, size } = options();
  return { scale, minScore, resize, ...(size ? { size } : {}) };
}

/** Sets the controls from checked URL parameters. */
export function applyParameters(p: UrlParameters): void {
  if (p.scale !== undefined) {
    const select = $('#scale') as HTMLSelectElement;
    if (![...select.options].some((o) => o.value === p.scale)) select.add(new Option(`F = ${p.scale}`, p.scale));
    select.value = p.scale;
  }
  if (p.colour !== undefined) ($('#colour') as HTMLInputElement).checked = p.colour;
  if (p.minScore !== undefined) {
    ($('#threshold') as HTMLInputElement).value = String(p.minScore);
    $('#threshold-value').textContent = p.minScore.toFixed(2);
  }
  if (p.resize !== undefined) ($('#resize') as HTMLSelectElement).value = p.resize;
  ($('#backend') as HTMLSelectElement).value = p.backend;
  page.alignSize = p.size;
  $('#fsimc-box').hidden = !options().colour;
}

const clampZoom = (zoom: number, most = 16) => Math.max(0.125, Math.min(most, zoom));

/** Wires every control; `rerun` recomputes (scale and alignment change the scores). */
export function wireControls(rerun: () => void): void {
  $('#scale').addEventListener('change', rerun);
  // Another engine means another page: the choice goes into the URL, which also makes it shareable.
  $('#backend').addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', ($('#backend') as HTMLSelectElement).value);
    location.assign(url);
  });
  $('#resize').addEventListener('change', rerun);
  // Colour and the minimum score change only what is shown.
  $('#colour').addEventListener('change', () => {
    $('#fsimc-box').hidden = !options().colour;
    renderScores();
  });
  $('#threshold').addEventListener('input', () => {
    $('#threshold-value').textContent = options().minScore.toFixed(2);
    renderScores();
  });
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs [data-view]')) {
    tab.addEventListener('click', () => {
      page.view = tab.dataset.view!;
      for (const t of document.querySelectorAll('.tabs [data-view]')) t.classList.toggle('active', t === tab);
      void renderView();
    });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-zoom]')) {
    button.addEventListener('click', () => {
      const step = Number(button.dataset.zoom);
      const fitting = () => 2 ** Math.floor(Math.log2(($('.viewport').clientWidth - 16) / 2 / page.result!.downsampled[1]));
      page.zoom = step === 0 && page.result ? clampZoom(fitting(), 8) : clampZoom(page.zoom * 2 ** step);
      applyZoom();
    });
  }
  $('.viewport').addEventListener(
    'wheel',
    (e) => {
      if (!(e as WheelEvent).ctrlKey) return;
      e.preventDefault();
      page.zoom = clampZoom(page.zoom * ((e as WheelEvent).deltaY < 0 ? 2 : 0.5));
      applyZoom();
    },
    { passive: false },
  );
  for (const button of document.querySelectorAll<HTMLButtonElement>('nav .mode')) {
    button.addEventListener('click', () => {
      for (const b of document.querySelectorAll('nav .mode')) b.classList.toggle('active', b === button);
      $('#compare').hidden = button.dataset.mode !== 'compare';
      $('#rank').hidden = button.dataset.mode !== 'rank';
    });
  }
}
