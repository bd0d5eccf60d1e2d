/**
 * The optional packages: sharp (decoding JPEG, GIF, WebP, TIFF, AVIF and large PNGs) and
 * webgpu (Dawn, the GPU backend in Node). Browser-only users need neither; npm installs both
 * by default (optionalDependencies). A Node feature that needs a missing one says which.
 */
import { FsimError } from '../errors.js';

function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (message ?? '').includes(name);
}

/** import(name), or a one-line error naming the package and what needed it. */
export async function importOptional<T>(name: 'sharp' | 'webgpu', load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) {
      throw new FsimError(name === 'webgpu' ? 'BACKEND' : 'INPUT', `${purpose} needs the optional package '${name}': npm install ${name}`);
    }
    throw error;
  }
}
