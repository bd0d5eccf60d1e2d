/**
 * `fsim serve`: the HTTP API (scores bit for bit those of `fsim compare --json` and
 * `fsim rank --json`), every bad request as a 4xx {error, code}, the limits (upload size,
 * pixels, queue, token, slow clients, disconnects), garbage uploads from the fuzzer's corpus,
 * SIGTERM under load, and --stdio.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../scripts/serveProcess.js';
import { decodeImage } from '../src/node/decode.js';
import { encodePng } from '../src/node/png.js';
import { liveWorkerThreads } from '../src/node/workerPool.js';
import { createServer, type Server, type ServeOptions } from '../src/node/serve/server.js';
import { type OptionSpec, SERVE_COMPARE_FIELDS } from '../src/optionTable.js';
import { CPU_TOLERANCE, golden, image } from './fixtures.js';
import { BIN, runFsim } from './helpers/cli.js';
import { baseFiles, mutate, prng } from './helpers/hostile.js';

const OPTIONS: ServeOptions = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  backend: 'cpu',
  backends: undefined,
  threads: 2,
  maxUpload: 4,
  concurrency: 2,
  queue: 8,
  timeout: 120,
  token: undefined,
});

type Part = [name: string, value: string | { file: string } | { bytes: Uint8Array; name: string }];

function form(parts: Part[]): FormData {
  const data = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') data.append(name, value);
    else if ('file' in value) data.append(name, new Blob([readFileSync(value.file)]), value.file.split('/').pop());
    else data.append(name, new Blob([value.bytes as Uint8Array<ArrayBuffer>]), value.name);
  }
  return data;
}

async function post(url: string, parts: Part[], headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body: form(parts), headers });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

const pair = (ref: string, dist: string): Part[] => [
  ['reference', { file: image(ref) }],
  ['distorted', { file: image(dist) }],
];

let server: Server;
let url: string;

beforeAll(async () => {
  server = await createServer(OPTIONS, undefined, { headersS: 1, checkS: 0.25 });
  url = await server.listen();
});
afterAll(async () => {
  await server?.close();
});

describe('POST /v1/compare', () => {
  it('answers fsim compare --json, scores bit for bit, within the reference', async () => {
    const { status, json } = await post(`${url}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp'));
    expect(status).toBe(200);
    const cli = JSON.parse(runFsim(['compare', image('I01.bmp'), image('I01_dist.bmp'), '--json', '--backend', 'cpu']).stdout);
    expect(Object.keys(json)).toEqual(Object.keys(cli));
    for (const key of ['fsim', 'fsimc', 'similar', 'minScore', 'scale', 'size', 'downsampled', 'pooling', 'colour', 'version'])
      expect(json[key], key).toEqual(cli[key]);
    expect(json.reference).toBe('I01.bmp');
    // The server's engine prepared them on worker threads (the CLI, on its own thread): the same bits.
    expect(liveWorkerThreads()).toBeGreaterThan(0);
    const want = golden.find((g) => g.case === 'I01')!;
    expect(Math.abs((json.fsimc as number) - want.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
  });

  it('takes the CLI flags as fields (scale, min-score, resize, size) and returns the diff image', async () => {
    const { status, json } = await post(`${url}/v1/compare`, [
      ...pair('I01.bmp', 'I01_dist_640x1000.png'),
      ['resize', 'cover'],
      ['size', '256x192'],
      ['scale', '1'],
      ['min-score', '0.99'],
      ['diff', '1'],
    ]);
    expect(status, JSON.stringify(json)).toBe(200);
    const cli = JSON.parse(
      runFsim([
        'compare',
        image('I01.bmp'),
        image('I01_dist_640x1000.png'),
        ...['--resize', 'cover', '--size', '256x192', '--scale', '1', '--min-score', '0.99', '--json', '--backend', 'cpu'],
      ]).stdout,
    );
    expect([json.fsim, json.fsimc, json.similar, json.resized]).toEqual([cli.fsim, cli.fsimc, false, cli.resized]);
    const diff = await decodeImage(Buffer.from(json.diffImage as string, 'base64'), 'diff');
    expect([diff.width, diff.height]).toEqual([256, 192]);
    expect((json.regions as unknown[]).length).toBeGreaterThan(0);
  });

  it('answers each bad request with a 4xx {error, code} and nothing else', async () => {
    const I01 = { file: image('I01.bmp') };
    const cases: [string, Part[], number, string][] = [
      ['a missing field', [['reference', I01]], 400, 'USAGE'],
      [
        'a non-image',
        [
          ['reference', I01],
          ['distorted', { bytes: new TextEncoder().encode('root:x:0:0'), name: 'passwd' }],
        ],
        422,
        'INPUT',
      ],
      ['sizes that differ without resize', pair('I01.bmp', 'I01_dist_640x1000.png'), 422, 'SIZE_MISMATCH'],
      ['an unknown field', [...pair('I01.bmp', 'I01_dist.bmp'), ['colour', '1']], 400, 'USAGE'],
      ['a bad value', [...pair('I01.bmp', 'I01_dist.bmp'), ['scale', '0']], 400, 'USAGE'],
      ['a field given twice', [...pair('I01.bmp', 'I01_dist.bmp'), ['scale', '1'], ['scale', '2']], 400, 'USAGE'],
      [
        'a text value where a file belongs (no server-side paths)',
        [
          ['reference', '/etc/passwd'],
          ['distorted', I01],
        ],
        400,
        'USAGE',
      ],
      ['a file where a value belongs', [...pair('I01.bmp', 'I01_dist.bmp'), ['candidates', I01]], 400, 'USAGE'],
      [
        'an empty file',
        [
          ['reference', I01],
          ['distorted', { bytes: new Uint8Array(), name: 'empty.png' }],
        ],
        422,
        'INPUT',
      ],
      ['a backend this server does not run', [...pair('I01.bmp', 'I01_dist.bmp'), ['backend', 'gpu']], 400, 'BACKEND'],
    ];
    // The fields are the option table's (src/optionTable.ts), by their flags.
    const unknown = await post(`${url}/v1/compare`, [...pair('I01.bmp', 'I01_dist.bmp'), ['colour', '1']]);
    const known = (SERVE_COMPARE_FIELDS as readonly OptionSpec[]).flatMap((spec) => [spec.flag, ...(spec.flagAliases ?? [])]).join(', ');
    expect(unknown.json.error).toBe(`unknown compare option 'colour' (known: ${known})`);
    for (const [what, parts, status, code] of cases) {
      const r = await post(`${url}/v1/compare`, parts);
      expect([r.status, r.json.code], what).toEqual([status, code]);
      expect(Object.keys(r.json).sort(), what).toEqual(['code', 'error']);
      expect(String(r.json.error), what).not.toMatch(/\n/);
    }
  });

  it('refuses bodies that are not a whole multipart form, and never reads a path named in JSON', async () => {
    const send = async (body: string, type: string) => {
      const response = await fetch(`${url}/v1/compare`, { method: 'POST', body, headers: { 'content-type': type } });
      return [response.status, ((await response.json()) as { code: string }).code];
    };
    expect(await send('{"reference":"/etc/passwd","distorted":"/etc/passwd"}', 'application/json')).toEqual([
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ]);
    expect(await send('garbage', 'multipart/form-data; boundary=XX')).toEqual([400, 'BAD_REQUEST']);
    const truncated = '--XX\r\nContent-Disposition: form-data; name="reference"; filename="a.bmp"\r\n\r\nBM\x00\x01';
    expect(await send(truncated, 'multipart/form-data; boundary=XX')).toEqual([400, 'BAD_REQUEST']);
    const missing = await fetch(`${url}/v1/nothing`);
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('POST /v1/rank', () => {
  it('answers fsim rank --json, bad candidates in errors', async () => {
    const names = ['I03.bmp', 'I01_dist.bmp', 'I04.bmp'];
    const { status, json } = await post(`${url}/v1/rank`, [
      ['reference', { file: image('I01.bmp') }],
      ...names.map((n): Part => ['candidates', { file: image(n) }]),
      ['candidates', { bytes: new TextEncoder().encode('not an image'), name: 'notes.txt' }],
    ]);
    expect(status).toBe(200);
    const cli = JSON.parse(runFsim(['rank', image('I01.bmp'), ...names.map(image), '--json', '--backend', 'cpu']).stdout);
    const strip = (rows: { file: string }[]) => rows.map((r) => ({ ...r, file: r.file.split('/').pop() }));
    expect(json.results).toEqual(strip(cli.results));
    expect(json.by).toBe(cli.by);
    expect(json.errors).toEqual([{ file: 'notes.txt', error: 'not a supported image (PNG, JPEG, BMP, GIF, WebP, TIFF or AVIF)' }]);
  });

  it('needs a reference and at least one candidate', async () => {
    const r = await post(`${url}/v1/rank`, [['reference', { file: image('I01.bmp') }]]);
    expect([r.status, r.json.code]).toEqual([400, 'USAGE']);
    expect(r.json.error).toMatch(/candidates is missing/);
  });
});

describe('health and metrics', () => {
  it('/healthz, /readyz and /metrics (Prometheus text: requests by status, latency, queue, backend)', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { backend: string }).backend).toMatch(/^cpu \(float64/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^fsim_http_requests_total\{route="\/v1\/compare",method="POST",status="200"\} \d+$/m);
    expect(metrics).toMatch(/^fsim_http_requests_total\{route="\/v1\/compare",method="POST",status="422"\} \d+$/m);
    expect(metrics).toMatch(/^fsim_http_request_duration_seconds_bucket\{le="0\.5",route="\/v1\/compare"\} \d+$/m);
    expect(metrics).toMatch(/^fsim_queue_depth 0$/m);
    expect(metrics).toMatch(/^fsim_backend_info\{kind="cpu",engine="cpu \(float64, 2 threads\)",default="true"\} 1$/m);
    expect(metrics).toMatch(/^fsim_process_resident_memory_bytes \d+/m);
  });
});

describe('limits and faults', () => {
  it('413 for an upload over --max-upload, before it is read, with or without Content-Length', async () => {
    const big = new Uint8Array(5 * 1024 * 1024);
    const r = await post(`${url}/v1/compare`, [
      ['reference', { file: image('I01.bmp') }],
      ['distorted', { bytes: big, name: 'big.png' }],
    ]);
    expect([r.status, r.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Chunked: no Content-Length to refuse by; the multipart limit stops the read.
    const body = new Response(form([['reference', { bytes: big, name: 'big.png' }]]));
    const type = body.headers.get('content-type')!;
    const stream = body.body!;
    const chunked = await fetch(`${url}/v1/compare`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': type },
      duplex: 'half',
    } as RequestInit);
    expect([chunked.status, ((await chunked.json()) as { code: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('checks the pixel limit on the header, before decoding', async () => {
    // A PNG whose header claims 70000×70000 (4.9 gigapixels) and carries no pixel data.
    const png = encodePng(1, 1, 1, new Uint8Array(1));
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 70000);
    view.setUint32(20, 70000);
    const started = performance.now();
    const r = await post(`${url}/v1/compare`, [
      ['reference', { bytes: png, name: 'huge.png' }],
      ['distorted', { file: image('I01.bmp') }],
    ]);
    expect([r.status, r.json.code]).toEqual([422, 'SIZE']);
    expect(r.json.error).toMatch(/pixel/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('503 with Retry-After when the slots and the queue are full; the rest are answered', async () => {
    const busy = await createServer({ ...OPTIONS, concurrency: 1, queue: 1 });
    const at = await busy.listen();
    try {
      // Slow work (1024×768 at F = 1), so that all six are in before the first is done.
      const slow: Part[] = [...pair('I01_x2.png', 'I01_dist_x2.png'), ['scale', '1']];
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(`${at}/v1/compare`, slow)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      const refused = answers.find((a) => a.status === 503)!;
      expect(refused.json.code).toBe('BUSY');
      expect(refused.headers.get('retry-after')).toBe('1');
      // Comparisons run side by side on one engine give the same bits as one alone.
      const scores = answers.filter((a) => a.status === 200).map((a) => [a.json.fsim, a.json.fsimc]);
      for (const score of scores) expect(score).toEqual(scores[0]);
    } finally {
      await busy.close();
    }
  });

  it('--token: /v1/* needs Authorization: Bearer; health and the site do not', async () => {
    const guarded = await createServer({ ...OPTIONS, token: 's3cret' });
    const at = await guarded.listen();
    try {
      const none = await post(`${at}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp'));
      expect([none.status, none.json.code, none.headers.get('www-authenticate')]).toEqual([401, 'UNAUTHORIZED', 'Bearer']);
      const wrong = await post(`${at}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp'), { authorization: 'Bearer s3cre' });
      expect(wrong.status).toBe(401);
      const right = await post(`${at}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp'), { authorization: 'Bearer s3cret' });
      expect(right.status).toBe(200);
      expect((await fetch(`${at}/healthz`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('survives a client that leaves mid-upload and one that never finishes its headers', async () => {
    const address = new URL(url);
    // Mid-upload: a form that declares 1 MiB, sends 10 kB and hangs up.
    await new Promise<void>((done) => {
      const socket = connect(Number(address.port), address.hostname, () => {
        socket.write(
          'POST /v1/compare HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 1048576\r\n\r\n' +
            '--XX\r\nContent-Disposition: form-data; name="reference"; filename="a.png"\r\n\r\n' +
            'x'.repeat(10_000),
        );
        setTimeout(() => {
          socket.destroy();
          done();
        }, 200);
      });
    });
    // Slow headers: the server closes the connection after its header timeout (1 s here).
    const closedAfter = await new Promise<number>((done) => {
      const started = performance.now();
      const socket = connect(Number(address.port), address.hostname, () => socket.write('POST /v1/compare HTTP/1.1\r\nHost: x\r\n'));
      socket.on('data', () => {});
      socket.on('close', () => done(performance.now() - started));
      socket.on('error', () => {});
    });
    expect(closedAfter).toBeLessThan(5000);
    const after = await post(`${url}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp'));
    expect(after.status).toBe(200);
  });

  it('garbage uploads (the fuzzer corpus, mutated) get 200 or a 4xx {error, code}, never a 5xx, and the server stays up', async () => {
    const files = Object.entries(await baseFiles());
    const random = prng(23);
    let answered = 0;
    for (let k = 0; k < 40; k++) {
      const [name, bytes] = files[k % files.length];
      const garbage = mutate(new Uint8Array(bytes), random);
      const r = await post(`${url}/v1/compare`, [
        ['reference', { bytes: garbage, name: `${name}.bin` }],
        ['distorted', { bytes: garbage, name: `${name}.bin` }],
      ]);
      expect(r.status === 200 || (r.status >= 400 && r.status < 500), `${name}: ${r.status} ${JSON.stringify(r.json)}`).toBe(true);
      if (r.status !== 200) expect(Object.keys(r.json).sort()).toEqual(['code', 'error']);
      else expect(Number.isFinite(r.json.fsim)).toBe(true);
      answered++;
    }
    expect(answered).toBe(40);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('fsim serve (the command)', () => {
  it('SIGTERM under load: every request in flight is answered, then it exits 0', async () => {
    const { child, url: at, exited, stderr } = await startServe(BIN, ['--port', '0', '--backend', 'cpu', '--concurrency', '1']);
    const answers = Array.from({ length: 4 }, () => post(`${at}/v1/compare`, pair('I01.bmp', 'I01_dist.bmp')));
    // Wait until all four are in (one running, three queued), then ask it to stop.
    for (let k = 0; k < 100; k++) {
      const metrics = await (await fetch(`${at}/metrics`)).text();
      if (/^fsim_queue_depth 3$/m.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    const done = await Promise.all(answers);
    expect(done.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await exited).toBe(0);
    expect(stderr()).toMatch(/stopping/);
  });

  it('binds to loopback by default and serves the demo with the isolation headers when it is built', async () => {
    const { url: at, stop } = await startServe(BIN, ['--port', '0']);
    try {
      expect(at).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${at}/`);
      if (page.status === 200) {
        expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      } else expect(page.status).toBe(404);
    } finally {
      await stop();
    }
  });

  it('refuses bad flags with a usage error', () => {
    const r = runFsim(['serve', '--port', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fsim: --port must be an integer/);
    const gpu = runFsim(['serve', '--backend', 'cpu', '--backends', 'gpu']);
    expect(gpu.status).toBe(2);
    expect(gpu.stderr).toMatch(/--backends gpu must include --backend cpu/);
  });
});

describe('fsim serve --stdio', () => {
  it('answers each JSON line with fsim compare --json and its id; a bad line gets an error line; exit 0 at the end', () => {
    const lines = [
      { id: 1, reference: image('I01.bmp'), distorted: image('I01_dist.bmp') },
      'not json',
      { id: 'b', reference: image('I01.bmp'), distorted: image('I03.bmp'), scale: 1, 'min-score': '0.4' },
      { id: 3, reference: image('I01.bmp'), distorted: image('I01_640x1000.png') },
      { id: 4, reference: image('I01.bmp'), distorted: image('I01_dist.bmp'), colour: true },
    ];
    const input = `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
    const r = runFsim(['serve', '--stdio', '--backend', 'cpu'], { input });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(5);
    const byId = (id: unknown) => out.find((o) => o.id === id);
    const cli = JSON.parse(runFsim(['compare', image('I01.bmp'), image('I01_dist.bmp'), '--json', '--backend', 'cpu']).stdout);
    const { timings: _t, ...want } = cli;
    const { id: _id, timings: _t2, ...got } = byId(1);
    expect(got).toEqual(want);
    const b = JSON.parse(
      runFsim(['compare', image('I01.bmp'), image('I03.bmp'), '--scale', '1', '--min-score', '0.4', '--json', '--backend', 'cpu']).stdout,
    );
    expect([byId('b').fsim, byId('b').fsimc, byId('b').similar]).toEqual([b.fsim, b.fsimc, b.similar]);
    expect(byId(3).code).toBe('SIZE_MISMATCH');
    expect(byId(4).code).toBe('USAGE');
    expect(byId(null).code).toBe('BAD_REQUEST');
  });
});
