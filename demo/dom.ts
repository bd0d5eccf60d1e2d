/** DOM helpers shared by the demo's compare and rank views. */
import type { RasterImage } from '../src/browser/index.js';

/** Draws a decoded image (grey, RGB or RGBA) into a canvas at its own size. */
export function drawRaster(canvas: HTMLCanvasElement, image: RasterImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.data[p * image.channels + (image.channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
}

/** A drop zone: its file input and drag-and-drop both deliver files. */
export function wireDrop(label: HTMLElement, onFiles: (files: File[]) => void): void {
  const input = label.querySelector('input')!;
  input.addEventListener('change', () => input.files?.length && onFiles([...input.files]));
  label.addEventListener('dragover', (e) => {
    e.preventDefault();
    label.classList.add('over');
  });
  label.addEventListener('dragleave', () => label.classList.remove('over'));
  label.addEventListener('drop', (e) => {
    e.preventDefault();
    label.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) onFiles(files);
  });
}
