/**
 * `fsim serve --stdio`: JSON lines in, JSON lines out, on one warm engine — for test runners
 * and other languages (as odiff's server mode). Each input line is
 *   {"id": …, "reference": PATH, "distorted": PATH, …fields}
 * with the fields of /v1/compare spelled as the CLI's flags (scale, min-score, resize, size,
 * backend) plus mask (PATH) and diff (PATH: the diff image is written there). Each answer is
 * `fsim compare --json`'s object with the line's id, or {id, error, code}; answers come as their
 * comparisons finish (--concurrency at once), so a caller matches them by id. A line that is not
 * a JSON object gets an error line with id null. At the end of input the process finishes what
 * is in flight and exits 0.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { BackendKind } from '../../engine.js';
import { FsimError, printable } from '../../errors.js';
import { alignOf, parseOptionText, resolveOptions, STDIO_COMPARE_FIELDS } from '../../optionTable.js';
import { compareImagesWith } from '../compareImages.js';
import { sharedEngine } from '../sharedEngine.js';
import type { ServeOptions } from './server.js';
import { WorkQueue } from './workQueue.js';

type Line = Record<string, unknown>;

export async function serveStdio(
  options: ServeOptions,
  input: Readable = process.stdin,
  output: Writable = process.stdout,
): Promise<number> {
  const allowed: readonly BackendKind[] = options.backends ?? [...new Set<BackendKind>([options.backend, 'cpu'])];
  // Warm before the first line: a broken backend fails at start, not per line.
  await sharedEngine({ backend: options.backend, threads: options.threads }, { sideBySide: true });
  const queue = new WorkQueue(options.concurrency, Number.POSITIVE_INFINITY);
  const never = new AbortController().signal;
  const write = (answer: Line) => output.write(`${JSON.stringify(answer)}\n`);
  const inFlight = new Set<Promise<void>>();
  let lineNumber = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (text.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(text);
      if (line === null || typeof line !== 'object' || Array.isArray(line)) throw new Error('not an object');
    } catch (error) {
      write({ id: null, error: `line ${lineNumber} is not a JSON object (${(error as Error).message})`, code: 'BAD_REQUEST' });
      continue;
    }
    const id = line.id ?? null;
    const task = queue
      .run(() => compareLine(line, options, allowed), never)
      .then(write, (error) =>
        write({
          id,
          error: printable(error instanceof Error ? error.message : String(error)),
          code: error instanceof FsimError ? error.code : 'INTERNAL',
        }),
      )
      .then(() => {
        inFlight.delete(task);
      });
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  return 0;
}

async function compareLine(line: Line, options: ServeOptions, allowed: readonly BackendKind[]): Promise<Line> {
  const { id = null, reference, distorted, ...rest } = line;
  for (const [name, value] of [
    ['reference', reference],
    ['distorted', distorted],
  ] as const) {
    if (typeof value !== 'string' || value === '') throw new FsimError('USAGE', `${name} must be a file path`);
  }
  const o = resolveOptions(
    STDIO_COMPARE_FIELDS,
    parseOptionText(STDIO_COMPARE_FIELDS, rest as Record<string, string>),
    'compare',
    'parameter',
  );
  // Not given: the process's own (the table's default, auto, is the CLI's).
  const kind = rest.backend === undefined ? options.backend : o.backend;
  if (!allowed.includes(kind)) throw new FsimError('BACKEND', `this process runs ${allowed.join(', ')}; backend ${kind} is not among them`);
  // Lines are compared side by side (--concurrency): small images go to the workers.
  const engine = await sharedEngine({ backend: kind, threads: options.threads }, { sideBySide: true });
  let result: Awaited<ReturnType<typeof compareImagesWith>>;
  try {
    result = await compareImagesWith(
      reference as string,
      distorted as string,
      Object.freeze({
        engine: { backend: kind, threads: options.threads },
        minScore: o.minScore,
        scale: o.scale,
        align: alignOf(o, 'parameter'),
        mask: o.mask as string | undefined,
        diffPath: o.diffPath,
        diffWhen: 'always',
      }),
      engine,
    );
  } catch (error) {
    // As `fsim compare` names it.
    if (error instanceof FsimError && error.code === 'SIZE_MISMATCH')
      throw new FsimError('SIZE_MISMATCH', `${printable(distorted)}: ${error.message}`);
    throw error;
  }
  const { maps: _maps, version, ...fields } = result;
  return { id, version, reference, distorted, ...fields };
}
