/** sharp and webgpu are optional packages: a feature that needs a missing one says which, in one line. */
import { describe, expect, it } from 'vitest';
import { FsimError } from '../src/errors.js';
import { importOptional } from '../src/node/optional.js';

const missing = (name: string) =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /x/decode.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('optional packages', () => {
  it('a missing one is an error naming it and how to install it', async () => {
    const sharp = importOptional('sharp', () => Promise.reject(missing('sharp')), 'decoding JPEG');
    await expect(sharp).rejects.toThrow(FsimError);
    await expect(sharp).rejects.toThrow("decoding JPEG needs the optional package 'sharp': npm install sharp");
    const webgpu = importOptional('webgpu', () => Promise.reject(missing('webgpu')), 'the GPU backend in Node');
    await expect(webgpu).rejects.toMatchObject({ code: 'BACKEND', message: expect.stringMatching(/npm install webgpu$/) });
  });

  it('other failures pass through; a present one loads', async () => {
    await expect(importOptional('sharp', () => Promise.reject(new Error('libvips crashed')), 'decoding')).rejects.toThrow(
      'libvips crashed',
    );
    const loaded = await importOptional('sharp', () => import('sharp'), 'decoding');
    expect(typeof loaded.default).toBe('function');
  });
});
