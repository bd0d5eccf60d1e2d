/**
 * `fsim merge`: the --json outputs of `--shard K/N` runs joined into what one run prints.
 * --pairs lines (each with its `row`) come out in row order, once each; rankings (one object
 * per shard, with `results` and `errors`) become one ranking, best first by its `by` key (ties:
 * by file path, the order one run ranks a folder in), cut to --top K.
 */
import { FsimError, printable } from '../errors.js';

type Json = Record<string, unknown>;

interface RankLine extends Json {
  reference: string;
  by?: 'fsim' | 'fsimc' | null;
  minScore?: number;
  backend?: string;
  results: { file: string; fsim: number; fsimc: number }[];
  errors: unknown[];
}

export function mergeShards(inputs: readonly { name: string; text: string }[], options: { top?: number } = {}): string[] {
  const lines: { json: Json; where: string }[] = [];
  for (const { name, text } of inputs) {
    text.split('\n').forEach((line, k) => {
      if (line.trim() === '') return;
      const where = `${printable(name)}:${k + 1}`;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new FsimError('INPUT', `${where}: not a JSON line (merge takes the --json output of fsim compare --pairs or fsim rank)`);
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new FsimError('INPUT', `${where}: not a JSON object`);
      lines.push({ json: json as Json, where });
    });
  }
  if (lines.length === 0) throw new FsimError('INPUT', 'nothing to merge: no JSON lines in the input');
  const ranks = lines.filter((l) => Array.isArray(l.json.results));
  if (ranks.length === 0) return mergePairs(lines);
  if (ranks.length !== lines.length)
    throw new FsimError('INPUT', `${lines.find((l) => !Array.isArray(l.json.results))!.where}: a --pairs line among rankings`);
  return [JSON.stringify(mergeRanks(ranks as { json: RankLine; where: string }[], options.top))];
}

function mergePairs(lines: { json: Json; where: string }[]): string[] {
  const seen = new Map<number, string>();
  for (const { json, where } of lines) {
    const row = json.row;
    if (!Number.isSafeInteger(row))
      throw new FsimError('INPUT', `${where}: no row number (run fsim compare --pairs with --shard and --json)`);
    const earlier = seen.get(row as number);
    if (earlier) throw new FsimError('INPUT', `${where}: row ${row} is also at ${earlier} (a shard given twice?)`);
    seen.set(row as number, where);
  }
  return lines.sort((a, b) => (a.json.row as number) - (b.json.row as number)).map((l) => JSON.stringify(l.json));
}

function mergeRanks(lines: { json: RankLine; where: string }[], top: number | undefined): Json {
  const scored = lines.filter((l) => l.json.by);
  const first = (scored[0] ?? lines[0]).json;
  for (const { json, where } of lines) {
    if (json.reference !== first.reference)
      throw new FsimError('INPUT', `${where}: ranked against ${printable(json.reference)}, not ${printable(first.reference)}`);
  }
  for (const { json, where } of scored) {
    for (const field of ['by', 'minScore'] as const)
      if (json[field] !== first[field])
        throw new FsimError(
          'INPUT',
          `${where}: ${field} ${String(json[field])} differs from ${String(first[field])} (shards of one run share their options)`,
        );
  }
  const files = new Set<string>();
  for (const { json, where } of lines)
    for (const r of json.results) {
      if (files.has(r.file)) throw new FsimError('INPUT', `${where}: ${printable(r.file)} is in two shards (a shard given twice?)`);
      files.add(r.file);
    }
  const key = first.by === 'fsim' ? 'fsim' : 'fsimc';
  const results = lines.flatMap((l) => l.json.results).sort((a, b) => b[key] - a[key] || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const { shard: _shard, ...head } = first;
  return {
    ...head,
    results: top !== undefined ? results.slice(0, top) : results,
    errors: lines.flatMap((l) => l.json.errors),
  };
}
