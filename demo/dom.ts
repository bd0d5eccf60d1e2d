/** DOM helpers shared by the demo's compare and rank views. */

/** Draws a bitmap (from the engine's worker) into a canvas at the bitmap's size, and frees the bitmap. */
export function drawBitmap(canvas: HTMLCanvasElement, bitmap: ImageBitmap): void {
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
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
