/**
 * `npm run bench:serve`: `fsim serve` (the default command: no --backend) under load from
 * autocannon, POST /v1/compare with a 512×384 pair (the fixtures' I01 BMPs), 16 and 64
 * connections for --duration seconds each: throughput, p50/p99 latency, non-2xx and errors;
 * beside it, the same comparisons in this process (compareImages on the same bytes, as many at
 * once as the server's --concurrency). Then --requests requests of a tiny pair (17×23, so that
 * they take minutes, not hours) with the server's resident memory sampled as they go.
 *   node dist/bench/serve.js [--duration 30] [--requests 10000] [--json FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { startServe } from '../scripts/serveProcess.js';
import { compareImages } from '../src/node/index.js';
import { fixture, flag, machine } from './common.js';

const duration = Number(flag('duration') ?? 30);
const requests = Number(flag('requests') ?? 10_000);
const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');
/** The server's default --concurrency (src/optionTable.ts). */
const CONCURRENCY = 2;

/** A multipart body of two files, and its content type. */
function multipart(reference: string, distorted: string): { body: Buffer; type: string } {
  const boundary = 'fsimbench7c1f';
  const part = (name: string, file: string) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.split('/').pop()}"\r\n\r\n`),
      readFileSync(file),
      Buffer.from('\r\n'),
    ]);
  return {
    body: Buffer.concat([part('reference', reference), part('distorted', distorted), Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

async function startServer() {
  const server = await startServe(BIN, ['--port', '0']);
  const rssMiB = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024;
  return { ...server, rssMiB };
}

const load = (url: string, form: { body: Buffer; type: string }, options: { connections: number; duration?: number; amount?: number }) =>
  autocannon({
    url: `${url}/v1/compare`,
    method: 'POST',
    headers: { 'content-type': form.type },
    body: form.body,
    timeout: 120,
    ...options,
  });

/** compareImages on the same bytes in this process, `CONCURRENCY` at once, for `seconds`: comparisons per second. */
async function inProcess(form: [Uint8Array, Uint8Array], seconds: number): Promise<number> {
  await compareImages(form[0], form[1]);
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await compareImages(form[0], form[1]);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const pair = multipart(fixture('I01.bmp'), fixture('I01_dist.bmp'));
const server = await startServer();
const results: Record<string, unknown> = { machine: machine(), engine: server.engine, duration, requests };
console.log(`fsim serve under load on ${machine()}: engine ${server.engine}, --concurrency ${CONCURRENCY} (default)`);
console.log('| load | throughput | p50 | p99 | 2xx | non-2xx | errors | in-process throughput | HTTP / in-process |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const bytes: [Uint8Array, Uint8Array] = [readFileSync(fixture('I01.bmp')), readFileSync(fixture('I01_dist.bmp'))];
const rows: Record<string, unknown>[] = [];
for (const connections of [16, 64]) {
  // Alternating: the server's run, then the in-process one, each in the same conditions.
  const r = await load(server.url, pair, { connections, duration });
  const local = await inProcess(bytes, Math.min(duration, 20));
  const row = {
    connections,
    throughput: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    inProcess: local,
  };
  rows.push(row);
  console.log(
    `| 512×384, ${connections} connections, ${duration} s | ${row.throughput.toFixed(2)} req/s | ${row.p50} ms | ${row.p99} ms | ${row.ok} | ${row.non2xx} | ${row.errors} | ${local.toFixed(2)} /s | ${((100 * row.throughput) / local).toFixed(0)}% |`,
  );
}
results.load = rows;

// Memory over many requests: a tiny pair, so that 10,000 take minutes.
const tiny = multipart(fixture('I01_tiny17x23.png'), fixture('I01_dist_tiny17x23.png'));
const samples: [number, number][] = [[0, server.rssMiB()]];
let sent = 0;
const step = Math.max(1, Math.round(requests / 10));
let failed = 0;
while (sent < requests) {
  const amount = Math.min(step, requests - sent);
  const r = await load(server.url, tiny, { connections: 16, amount });
  failed += r.non2xx + r.errors + r.timeouts;
  sent += amount;
  samples.push([sent, server.rssMiB()]);
}
results.memory = { samples, failed };
console.log(`\nresident memory of fsim serve over ${requests} requests (17×23 pair, 16 connections; ${failed} not 2xx):`);
console.log(samples.map(([n, mib]) => `${n}: ${mib.toFixed(0)} MiB`).join(', '));
await server.stop();
const json = flag('json');
if (json) writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
