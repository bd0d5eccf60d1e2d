/** `mkdir -p` that always ends, and output files checked before the work that writes them. */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FsimError, printable } from '../errors.js';

/**
 * Creates a folder and its missing parents. Node's own `mkdir(…, { recursive: true })` spins
 * forever where a parent answers ENOENT to every create (/proc/anything): here each parent is
 * tried once, so a path of depth d takes at most 2d calls.
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDir(parent);
    await mkdir(dir);
  }
}

/**
 * Makes sure a file can be written at `path` before any work is done for it: its folder
 * created (with missing parents), writable, and the path not a folder. Throws FsimError
 * 'INPUT' naming the path and what it is for.
 */
export async function prepareOutputFile(path: string, what: string): Promise<void> {
  const folder = dirname(path);
  const fail = (why: string): never => {
    throw new FsimError('INPUT', `${printable(path)}: cannot write the ${what} there (${why})`);
  };
  try {
    await ensureDir(folder);
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `${folder} is not writable`
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? `${folder} is not a folder`
          : (error as Error).message,
    );
  }
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) fail('it is a folder');
  if (existing) await access(path, constants.W_OK).catch(() => fail('the file is not writable'));
}
