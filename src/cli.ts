/**
 * The `fsim` command.
 *   fsim compare REF DIST [--scale auto|N] [--backend cpu|gpu|auto] [--min-score S]
 *                         [--json] [--maps DIR] [--diff FILE] [--mask FILE] [--assert-similar]
 *   fsim compare --pairs FILE …, fsim rank REF CANDIDATE…, fsim merge, fsim serve (USAGE below).
 * Exit status: 0 done, 1 not similar under --assert-similar (some failed: --pairs, rank),
 * 2 bad usage or input, 3 sizes differ.
 */
import { constants } from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { FsimError, printable } from './errors.js';
import { describeResized } from './align.js';
import type { FsimResult } from './fsim.js';
import { ensureDir } from './node/ensureDir.js';
import {
  alignOf,
  CLI_COMPARE_SPECS,
  CLI_PAIRS_SPECS,
  CLI_RANK_SPECS,
  CLI_MERGE_SPECS,
  CLI_SERVE_SPECS,
  type OptionSpec,
  optionHelp,
  parseOptionText,
  type Resolved,
  resolveOptions,
  type Shard,
  shard as shardSpec,
} from './optionTable.js';
import type { RankResult } from './rank.js';

// Engines, codecs and the GPU stack load when a command needs them: `fsim --help` loads none.
const engines = () => import('./node/engine.js');

/** Every flag of every command, each once, in the order help lists them (src/optionTable.ts). */
const ALL_FLAGS = [...new Set<OptionSpec>([...CLI_COMPARE_SPECS, ...CLI_PAIRS_SPECS, ...CLI_RANK_SPECS])];
const SERVE_ONLY_FLAGS = CLI_SERVE_SPECS.filter((spec) => !ALL_FLAGS.includes(spec));

const USAGE = `usage: fsim compare REF DIST [options]
       fsim compare --pairs FILE [--ref-column NAME] [--dist-column NAME] [--root DIR] [--json|--csv] [options]
       fsim rank REF CANDIDATE... [--top K] [--by fsim|fsimc] [--progress] [options]
       fsim merge [--top K] [FILE...]
       fsim serve [--port N] [--host ADDR] [--stdio] [serve options]

compare: FSIM and FSIMc of two images (Zhang et al., IEEE TIP 2011).
rank:    every candidate (a directory means its images, recursively) against REF, best first;
         the reference is prepared once.
merge:   joins the --json outputs of --shard runs (files, or stdin): --pairs lines in row order,
         rankings into one, best first.
serve:   one warm engine behind HTTP (POST /v1/compare, /v1/rank; /healthz, /readyz, /metrics;
         the demo at /) or, with --stdio, JSON lines on stdin and stdout (docs/SERVE.md).

options:
${optionHelp(ALL_FLAGS)}

serve options:
${optionHelp(SERVE_ONLY_FLAGS)}
  -h, --help           show this help
  -V, --version        print the version
  --                   end of options: every later argument is a file (names starting with '-')

exit status: compare: 0 done, 1 not similar (with --assert-similar), 2 bad usage or input,
             3 the images differ in size (give --resize to compare them anyway);
             compare --pairs, rank: 0 every pair or candidate scored, 1 some could not be
             (reported on their lines / in errors), 2 bad usage or an unreadable file;
             merge: 0 joined, 2 bad input; serve: 0 stopped by SIGTERM or SIGINT (--stdio: at
             the end of its input), 2 bad usage or an engine that cannot start`;

/** Exit statuses, documented in the help text and README. */
const EXIT = { ok: 0, notSimilar: 1, someFailed: 1, usage: 2, sizesDiffer: 3 } as const;

function usageError(message: string): never {
  throw new FsimError('USAGE', `${message} (see fsim --help)`);
}

/** util.parseArgs' errors as this CLI's one-line usage errors. */
function parseError(error: unknown): never {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usageError(`unknown option ${option}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // (No "ambiguous" value: parseFlags below joins a value that starts with '-' to its option.)
    if (/does not take an argument/.test(message)) usageError(`${option} takes no value`);
    usageError(`${option} needs a value`);
  }
  usageError(message.split('\n')[0]);
}

/** The flags a spec answers to (its own, then its older names). */
const flagsOf = (spec: OptionSpec) => (spec.flag ? [spec.flag, ...(spec.flagAliases ?? [])] : []);

/**
 * Parses the flags of `specs` with Node's util.parseArgs (strict: an unknown option or a
 * missing value is a usage error; --name=value works; after `--` every argument is a file),
 * positional arguments in order. Values stay text (resolve() checks them).
 */
function parseFlags(args: string[], specs: readonly OptionSpec[]): { positional: string[]; texts: Record<string, string | boolean> } {
  const valued = new Set(specs.filter((s) => s.arg).flatMap(flagsOf));
  // Before `--`: a value that starts with '-' still belongs to its option (util.parseArgs
  // would call it ambiguous: '--size -3x4' should say what is wrong with -3x4), and a lone
  // '-x' is no option of ours, refused whole (util.parseArgs would split it into -x).
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  const joined: string[] = [];
  for (let k = 0; k < head.length; k++) {
    const arg = head[k];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name && valued.has(name) && head[k + 1]?.startsWith('-')) {
      joined.push(`${arg}=${head[++k]}`);
      continue;
    }
    if (/^-[^-]/.test(arg)) usageError(`unknown option ${arg}`);
    joined.push(arg);
  }
  if (end >= 0) joined.push(...args.slice(end));
  try {
    const { values, positionals } = nodeParseArgs({
      args: joined,
      options: Object.fromEntries(specs.flatMap((s) => flagsOf(s).map((f) => [f, { type: s.arg ? 'string' : 'boolean' } as const]))),
      allowPositionals: true,
      strict: true,
    });
    return { positional: positionals, texts: values as Record<string, string | boolean> };
  } catch (error) {
    parseError(error);
  }
}

/** The flags given, checked against the option table once; usage errors point at the help. */
function resolveFlags<const S extends readonly OptionSpec[]>(
  specs: S,
  texts: Record<string, string | boolean>,
  command: string,
): Resolved<S> {
  try {
    return resolveOptions(specs, parseOptionText(specs, texts), command, 'flag');
  } catch (error) {
    if (error instanceof FsimError && error.code === 'USAGE') usageError(error.message);
    throw error;
  }
}

/** The given flags that `specs` does not take. */
const foreignFlags = (texts: Record<string, unknown>, specs: readonly OptionSpec[]) =>
  Object.keys(texts).filter((flag) => !specs.some((s) => flagsOf(s).includes(flag)));

function formatHuman(r: FsimResult): string {
  const ms = (v?: number): string => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const lines = [
    `FSIM      ${r.fsim.toFixed(6)}`,
    `FSIMc     ${r.fsimc.toFixed(6)}${r.colour ? '' : '  (greyscale: FSIMc = FSIM)'}`,
    `verdict   ${r.similar ? 'similar' : 'not similar'} (FSIMc ${r.similar ? '≥' : '<'} ${r.minScore})`,
    `scale     F = ${r.scale}: ${r.size[0]}×${r.size[1]} → ${r.downsampled[0]}×${r.downsampled[1]} (rows×cols)`,
    `backend   ${r.backend}`,
    `time      ${ms(r.timings.total)} (phase congruency ${ms(r.timings.phaseCongruency)})`,
  ];
  for (const [side, resized] of Object.entries(r.resized ?? {})) lines.push(`resized   ${side} ${describeResized(resized)}`);
  if (r.pooling === 'uniform') lines.push('note      neither image has phase congruency (flat): pooled uniformly');
  return lines.join('\n');
}

async function compareCommand(args: string[]): Promise<number> {
  const { positional, texts } = parseFlags(args, [...new Set<OptionSpec>([...CLI_COMPARE_SPECS, ...CLI_PAIRS_SPECS])]);
  if (texts.pairs !== undefined) {
    const stray = foreignFlags(texts, CLI_PAIRS_SPECS);
    if (stray.length)
      usageError(`${stray.map((f) => `--${f}`).join(', ')} compare${stray.length === 1 ? 's' : ''} one pair; not with --pairs`);
    return pairsCommand(positional, resolveFlags(CLI_PAIRS_SPECS, texts, 'compare --pairs'));
  }
  const stray = foreignFlags(texts, CLI_COMPARE_SPECS);
  if (stray.length) usageError(`${stray.map((f) => `--${f}`).join(', ')} go${stray.length === 1 ? 'es' : ''} with --pairs`);
  const o = resolveFlags(CLI_COMPARE_SPECS, texts, 'compare');
  if (positional.length !== 2) usageError(`compare takes two images, got ${positional.length}`);
  const [ref, dist] = positional;
  // A maps folder that cannot be written fails before any computing.
  if (o.mapsDir !== undefined) await prepareMapsDir(o.mapsDir);
  const { compareImagesWith } = await import('./node/compareImages.js');
  let result: Awaited<ReturnType<typeof compareImagesWith>>;
  try {
    result = await compareImagesWith(ref, dist, {
      engine: { backend: o.backend, threads: o.threads },
      minScore: o.minScore,
      scale: o.scale,
      align: alignOf(o, 'flag'),
      mask: o.mask as string | undefined,
      diffPath: o.diffPath,
      diffWhen: 'always',
      maps: o.mapsDir !== undefined,
    });
  } catch (error) {
    // The engine's size check names no file: here the distorted one is named.
    if (error instanceof FsimError && error.code === 'SIZE_MISMATCH')
      throw new FsimError('SIZE_MISMATCH', `${printable(dist)}: ${error.message}`);
    throw error;
  }
  let written: string[] = [];
  if (o.mapsDir !== undefined && result.maps) {
    try {
      const { writeHeatmaps } = await import('./node/heatmap.js');
      written = await writeHeatmaps(o.mapsDir, result.maps, result.downsampled[0], result.downsampled[1]);
    } catch (error) {
      throw new FsimError(
        'INPUT',
        `${printable(o.mapsDir)}: cannot write the maps (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      );
    }
  }
  const { maps: _maps, version, ...fields } = result;
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ version, reference: ref, distorted: dist, ...fields, ...(o.mapsDir ? { mapFiles: written } : {}) })}\n`,
    );
  } else {
    process.stdout.write(`${formatHuman(result)}\n`);
    if (o.diffPath !== undefined) {
      process.stdout.write(`diff      ${printable(o.diffPath)}\n`);
      for (const r of result.regions ?? []) {
        process.stdout.write(`region    ${r.width}×${r.height} at (${r.x}, ${r.y}): ${(100 * r.share).toFixed(1)}% of the difference\n`);
      }
    }
    if (written.length) process.stdout.write(`maps      ${written.join(', ')}\n`);
  }
  return o.assertSimilar && !result.similar ? EXIT.notSimilar : EXIT.ok;
}

async function prepareMapsDir(dir: string): Promise<void> {
  if (dir === '') throw new FsimError('USAGE', '--maps needs a folder name (see fsim --help)');
  try {
    await ensureDir(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'not writable'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'not a folder'
          : (error as Error).message;
    throw new FsimError('INPUT', `${printable(dir)}: cannot write the maps there (${why})`);
  }
}

/**
 * compare --pairs FILE: every pair of a CSV/TSV on one engine, one result per line as it is
 * known (NDJSON with --json, CSV with --csv), the file's other columns passed through.
 * Exit 1 when any pair could not be scored (it is reported on its line).
 */
async function pairsCommand(positional: string[], o: Resolved<typeof CLI_PAIRS_SPECS>): Promise<number> {
  if (positional.length > 0) usageError(`compare --pairs takes no image arguments, got ${positional.length}`);
  if (o.json && o.csv) usageError('--json and --csv exclude each other');
  const [{ createFsimWith, comparePairs, csvField, readPairs }, { packageVersion }] = await Promise.all([
    Promise.all([engines(), import('./node/pairs.js')]).then(([e, p]) => ({ ...e, ...p })),
    import('./node/version.js'),
  ]);
  const table = await readPairs(o.pairs!, { refColumn: o.refColumn, distColumn: o.distColumn, root: o.root });
  // A shard does the rows k (0-based) with k mod N = K-1; its --json lines carry their row for fsim merge.
  const share = shardOf(o.shard);
  if (share) table.rows = table.rows.filter((_, k) => k % share.count === share.index - 1);
  const engine = await createFsimWith({ backend: o.backend, threads: o.threads });
  const bar = progressBar(o.progressBar === true || (process.stderr.isTTY ?? false));
  const scores = ['fsim', 'fsimc', 'similar', 'error'];
  // The file's other columns pass through, in every output form.
  const passed = table.header.filter((name) => name !== table.refColumn && name !== table.distColumn);
  if (o.csv) process.stdout.write(`${[...table.header, ...scores].map(csvField).join(',')}\n`);
  else if (!o.json) {
    const head = `${'FSIMc'.padEnd(8)}  ${'FSIM'.padEnd(8)}  ${'verdict'.padEnd(11)}  ${table.refColumn}  ${table.distColumn}`;
    process.stdout.write(`${[head, ...passed].join('  ')}\n`);
  }
  let failed = 0;
  let done = 0;
  try {
    for await (const r of comparePairs(engine, table.rows, { scale: o.scale, minScore: o.minScore, align: alignOf(o, 'flag') })) {
      if (r.error !== undefined) failed++;
      const { columns } = r.row;
      bar.clear();
      if (o.json) {
        const fields = r.error !== undefined ? { error: r.error } : { fsim: r.fsim, fsimc: r.fsimc, similar: r.similar };
        process.stdout.write(
          `${JSON.stringify({ version: packageVersion(), ...(share ? { row: r.row.line } : {}), ...columns, ...fields })}\n`,
        );
      } else if (o.csv) {
        process.stdout.write(
          `${[...table.header.map((name) => columns[name]), r.fsim, r.fsimc, r.similar, r.error].map(csvField).join(',')}\n`,
        );
      } else {
        const names = [columns[table.refColumn], columns[table.distColumn], ...passed.map((name) => columns[name])]
          .map(printable)
          .join('  ');
        const line =
          r.error !== undefined
            ? `${'error'.padEnd(8)}  ${''.padEnd(8)}  ${''.padEnd(11)}  ${names}: ${printable(r.error)}`
            : `${r.fsimc!.toFixed(6)}  ${r.fsim!.toFixed(6)}  ${(r.similar ? 'similar' : 'not similar').padEnd(11)}  ${names}`;
        bar.clear();
        process.stdout.write(`${line}\n`);
      }
      bar.update(++done, table.rows.length, columns[table.distColumn]);
    }
  } finally {
    bar.done();
    await engine.dispose();
  }
  if (failed > 0) process.stderr.write(`fsim: ${failed} of ${table.rows.length} pairs could not be scored (see their lines)\n`);
  return failed > 0 ? EXIT.someFailed : EXIT.ok;
}

/**
 * A one-line progress bar, redrawn in place on stderr. On a terminal stdout and stderr share
 * the screen: clear() takes the bar off its line before a result is written there.
 */
function progressBar(enabled: boolean) {
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    update(done: number, total: number | undefined, name: string) {
      if (!enabled) return;
      const width = 24;
      const filled = total ? Math.round((done / total) * width) : done % (width + 1);
      const count = total ? `${done}/${total}` : `${done}`;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count} ${name.slice(-50)}\x1b[K`);
      shown = true;
    },
    clear,
    done: clear,
  };
}

function formatRank(reference: string, r: RankResult): string {
  const key = r.by === 'fsimc' ? 'FSIMc' : 'FSIM';
  const lines = [
    `reference ${printable(reference)} — ranked by ${key}, minimum score ${r.minScore}, ${r.backend}`,
    ` #  ${key.padEnd(8)}  ${(key === 'FSIMc' ? 'FSIM' : 'FSIMc').padEnd(8)}  verdict      file`,
  ];
  r.results.forEach((e, k) => {
    const [a, b] = r.by === 'fsimc' ? [e.fsimc, e.fsim] : [e.fsim, e.fsimc];
    const resized = e.resized ? `  (resampled ${describeResized(e.resized)})` : '';
    lines.push(
      `${String(k + 1).padStart(2)}  ${a.toFixed(6)}  ${b.toFixed(6)}  ${(e.similar ? 'similar' : 'not similar').padEnd(11)}  ${printable(e.file)}${resized}`,
    );
  });
  if (r.errors.length) {
    lines.push(`not scored (${r.errors.length}):`);
    for (const e of r.errors) lines.push(`  ${printable(e.file)}: ${e.error}`);
  }
  return lines.join('\n');
}

async function rankCommand(args: string[]): Promise<number> {
  const { positional, texts } = parseFlags(args, CLI_RANK_SPECS);
  const o = resolveFlags(CLI_RANK_SPECS, texts, 'rank');
  if (positional.length < 2)
    usageError(`rank takes a reference and at least one candidate, got ${positional.length} argument${positional.length === 1 ? '' : 's'}`);
  const [reference, ...given] = positional;
  const [{ createFsimWith, expandCandidates, rankFilesWith }, { packageVersion }] = await Promise.all([
    engines(),
    import('./node/version.js'),
  ]);
  // A shard ranks the candidates k (0-based, in sorted path order) with k mod N = K-1.
  const share = shardOf(o.shard);
  let candidates = given;
  if (share) {
    const files: string[] = [];
    for await (const file of expandCandidates(given)) files.push(file);
    if (files.length === 0) throw new FsimError('INPUT', `no candidate images in ${given.map((p) => printable(p)).join(', ')}`);
    candidates = files.sort().filter((_, k) => k % share.count === share.index - 1);
    if (candidates.length === 0) {
      // More shards than candidates: this one has none, an empty ranking to merge.
      const empty = { version: packageVersion(), reference, shard: `${share.index}/${share.count}`, results: [], errors: [] };
      process.stdout.write(o.json ? `${JSON.stringify(empty)}\n` : `shard ${share.index}/${share.count}: no candidates\n`);
      return EXIT.ok;
    }
  }
  const engine = await createFsimWith({ backend: o.backend, threads: o.threads });
  const bar = progressBar(o.progressBar === true || (process.stderr.isTTY ?? false));
  let result: RankResult;
  try {
    result = await rankFilesWith(reference, candidates, engine, {
      compare: { scale: o.scale, minScore: o.minScore, align: alignOf(o, 'flag') },
      by: o.by,
      top: o.top,
      lookahead: 2,
      progress: bar.update,
    });
  } finally {
    bar.done();
    await engine.dispose();
  }
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ version: packageVersion(), reference, ...(share ? { shard: `${share.index}/${share.count}` } : {}), by: result.by, minScore: result.minScore, backend: result.backend, results: result.results, errors: result.errors })}\n`,
    );
  } else {
    process.stdout.write(`${formatRank(reference, result)}\n`);
  }
  return result.errors.length > 0 ? EXIT.someFailed : EXIT.ok;
}

/**
 * The share of a batch this process does: --shard K/N, else a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX (0-based) of JOB_COMPLETIONS; undefined: all of it.
 */
function shardOf(flag: Shard | undefined): Shard | undefined {
  if (flag) return flag;
  const index = process.env.JOB_COMPLETION_INDEX;
  if (index === undefined || index === '') return undefined;
  const count = process.env.JOB_COMPLETIONS;
  if (count === undefined || count === '')
    usageError("JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set it to the Job's completions (or pass --shard K/N)");
  if (!/^[0-9]{1,9}$/.test(index)) usageError(`JOB_COMPLETION_INDEX must be a whole number, got '${printable(index)}'`);
  return resolveFlags([shardSpec], { shard: `${Number(index) + 1}/${count}` }, 'rank').shard;
}

/** fsim merge [--top K] [FILE...]: joins shards' --json outputs (stdin when no file is named). */
async function mergeCommand(args: string[]): Promise<number> {
  const { positional, texts } = parseFlags(args, CLI_MERGE_SPECS);
  const o = resolveFlags(CLI_MERGE_SPECS, texts, 'merge');
  const { mergeShards } = await import('./node/merge.js');
  const { readFile } = await import('node:fs/promises');
  const inputs: { name: string; text: string }[] = [];
  if (positional.length === 0 || (positional.length === 1 && positional[0] === '-')) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    inputs.push({ name: 'stdin', text: Buffer.concat(chunks).toString('utf8') });
  } else {
    for (const file of positional) {
      try {
        inputs.push({ name: file, text: await readFile(file, 'utf8') });
      } catch (error) {
        throw new FsimError(
          'INPUT',
          `${printable(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
    }
  }
  for (const line of mergeShards(inputs, { top: o.top })) process.stdout.write(`${line}\n`);
  return EXIT.ok;
}

/** fsim serve: HTTP until SIGTERM or SIGINT, or --stdio until the end of input. */
async function serveCommand(args: string[]): Promise<number> {
  const { positional, texts } = parseFlags(args, CLI_SERVE_SPECS);
  const { stdio, ...o } = resolveFlags(CLI_SERVE_SPECS, texts, 'serve');
  if (positional.length > 0) usageError(`serve takes no file arguments, got ${printable(positional[0])}`);
  if (stdio) {
    const { serveStdio } = await import('./node/serve/stdio.js');
    return serveStdio(o);
  }
  const { createServer } = await import('./node/serve/server.js');
  const server = await createServer(o);
  const url = await server.listen();
  const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
  const engine = (JSON.parse(ready.body) as { backend?: string }).backend ?? 'not ready';
  process.stderr.write(
    `fsim serve: ${url} (engine: ${engine}; POST /v1/compare, /v1/rank; ${server.site ? 'the demo at /' : 'no demo site: it is not built (npm run build)'})\n`,
  );
  // Kubernetes' termination contract: stop accepting, finish what is in flight, exit 0.
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  process.stderr.write('fsim serve: stopping (finishing the requests in flight)\n');
  await server.close();
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const optionsEnd = argv.indexOf('--');
  const flags = optionsEnd < 0 ? argv : argv.slice(0, optionsEnd);
  const json = flags.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      // Not asked for: the usage is an error's message, on stderr.
      process.stderr.write(`${USAGE}\n`);
      return EXIT.usage;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (flags.includes('-h') || flags.includes('--help')) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (flags.includes('--version') || flags.includes('-V')) {
      const { packageVersion } = await import('./node/version.js');
      process.stdout.write(`fsim-gpu ${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (command === 'compare') return await compareCommand(rest);
    if (command === 'rank') return await rankCommand(rest);
    if (command === 'merge') return await mergeCommand(rest);
    if (command === 'serve') return await serveCommand(rest);
    usageError(`unknown command '${command}'`);
  } catch (error) {
    // One line whatever the message carries (file names may hold newlines).
    const message = printable(
      error instanceof FsimError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.stderr.write(`fsim: ${message}\n`);
    if (json) {
      const { packageVersion } = await import('./node/version.js');
      process.stdout.write(
        `${JSON.stringify({ version: packageVersion(), error: message, code: error instanceof FsimError ? error.code : 'INTERNAL' })}\n`,
      );
    }
    return error instanceof FsimError && error.code === 'SIZE_MISMATCH' ? EXIT.sizesDiffer : EXIT.usage;
  }
}
