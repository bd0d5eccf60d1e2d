/**
 * `fsim serve`: one process, one warm engine, an HTTP API and the demo site.
 *   POST /v1/compare  multipart: files reference, distorted; fields as the CLI's flags
 *                     (scale, min-score, resize, size, backend, diff) → fsim compare --json's object
 *   POST /v1/rank     multipart: file reference, files candidates (repeated); fields
 *                     (scale, min-score, resize, size, backend, by, top) → fsim rank --json's object
 *   GET /healthz (up), /readyz (engine ready, not stopping), /metrics (Prometheus), / (the demo)
 * Uploads are read into memory (at most --max-upload per request, refused by Content-Length
 * before they are read), decoded and compared in a slot of the work queue (--concurrency at
 * once, --queue waiting, then 503). The server never opens a path a request names.
 * docs/SERVE.md has the API's JSON schema.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BackendKind } from '../../engine.js';
import { FsimError, printable } from '../../errors.js';
import type { Fsim } from '../../fsim.js';
import type { RasterImage } from '../../image.js';
import {
  alignOf,
  type CLI_SERVE_SPECS,
  parseOptionText,
  type Resolved,
  resolveOptions,
  SERVE_COMPARE_FIELDS,
  SERVE_RANK_FIELDS,
} from '../../optionTable.js';
import { type RankCandidate, type ResolvedRank, rankWith } from '../../rank.js';
import { SITE_HEADERS } from '../../siteHeaders.js';
import { compareImagesWith } from '../compareImages.js';
import { decodeImage } from '../decode.js';
import { sharedEngine } from '../sharedEngine.js';
import { packageRoot, packageVersion } from '../version.js';
import { createMetrics } from './metrics.js';
import { QueueFullError, WorkQueue } from './workQueue.js';

export type ServeOptions = Omit<Resolved<typeof CLI_SERVE_SPECS>, 'stdio'>;

/** An answer other than 200: its status, a stable code and a one-line message. */
export class ServeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** FsimError codes as HTTP statuses. */
const STATUS_OF: Record<string, number> = {
  USAGE: 400,
  BACKEND: 400,
  INPUT: 422,
  SIZE: 422,
  SIZE_MISMATCH: 422,
  CANCELLED: 503,
};

/** Fastify's and the multipart plugin's errors, as this API's codes. */
const CODE_OF: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FIELDS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_PROTO_VIOLATION: 'BAD_REQUEST',
};

/** Most candidates one /v1/rank request may upload. */
const MAX_FILES = 1000;
/** A form field's value (the options are short). */
const MAX_FIELD_BYTES = 1024;
/** Seconds a client may take to send its headers (checked every checkS). */
const TIMEOUTS = { headersS: 10, checkS: 2 };
/** What a client told "busy" should wait before it retries. */
const RETRY_AFTER_S = 1;

export interface Server {
  readonly app: FastifyInstance;
  /** The demo site's folder served at /, when there is one. */
  readonly site?: string;
  /** Starts listening; the address it listens on (http://host:port). */
  listen(): Promise<string>;
  /** Stops accepting, lets what is in flight finish, releases the engines. */
  close(): Promise<void>;
}

/** The package's built demo site (dist-demo), when it was built. */
export function demoSite(): string | undefined {
  const root = packageRoot();
  const folder = root && new URL('dist-demo/', root);
  return folder && existsSync(new URL('index.html', folder)) ? fileURLToPath(folder) : undefined;
}

/** `timeouts`: the slow-client timeouts, shorter in tests. */
export async function createServer(options: ServeOptions, site = demoSite(), timeouts = TIMEOUTS): Promise<Server> {
  const [{ default: fastify }, { default: multipart }] = await Promise.all([import('fastify'), import('@fastify/multipart')]);
  const maxBytes = options.maxUpload * 1024 * 1024;
  const allowed: readonly BackendKind[] = options.backends ?? [...new Set<BackendKind>([options.backend, 'cpu'])];
  if (!allowed.includes(options.backend))
    throw new FsimError('USAGE', `--backends ${allowed.join(',')} must include --backend ${options.backend}`);
  const token = options.token ?? (process.env.FSIM_TOKEN || undefined);
  const queue = new WorkQueue(options.concurrency, options.queue);
  const metrics = await createMetrics(queue);
  // Comparisons side by side: each small image is prepared on a worker, and this thread answers requests.
  const engineFor = (kind: BackendKind) => sharedEngine({ backend: kind, threads: options.threads }, { sideBySide: true });
  let ready = false;
  let closing = false;

  const app = fastify({
    logger: false,
    bodyLimit: maxBytes,
    // Slow clients: the headers within headersS, the whole request within --timeout.
    requestTimeout: options.timeout * 1000,
    http: { headersTimeout: timeouts.headersS * 1000, connectionsCheckingInterval: timeouts.checkS * 1000 },
    return503OnClosing: true,
  });
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: maxBytes, files: MAX_FILES + 1, fields: 32, fieldSize: MAX_FIELD_BYTES, parts: MAX_FILES + 33, headerPairs: 64 },
  });

  // Refusals that need no body: credentials, a declared size over the limit, a full queue.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new ServeError(401, 'UNAUTHORIZED', 'this server needs Authorization: Bearer <token>');
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      // The body stays unread: the connection closes after the answer.
      reply.header('connection', 'close');
      throw new ServeError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the request has ${declared} bytes, over this server's ${options.maxUpload} MiB limit`,
      );
    }
    if (queue.full) {
      reply.header('retry-after', String(RETRY_AFTER_S));
      reply.header('connection', 'close');
      throw new ServeError(503, 'BUSY', 'the server is busy (its queue is full); retry later');
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const answer = toServeError(error);
    if (answer.status === 503 && answer.code === 'BUSY') reply.header('retry-after', String(RETRY_AFTER_S));
    if (answer.status >= 500 && answer.code === 'INTERNAL')
      process.stderr.write(`fsim serve: ${printable(error.stack ?? error.message)}\n`);
    return reply.status(answer.status).send({ error: answer.message, code: answer.code });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ error: `no such route: ${request.method} ${printable(request.url.split('?')[0])}`, code: 'NOT_FOUND' }),
  );

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    if (!ready || closing) return reply.status(503).send({ ready: false });
    const engine = await engineFor(options.backend);
    return { ready: true, backend: engine.backend.name, backends: allowed };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  /** A request's abort signal: its client left, or its time ran out. */
  const requestSignal = (request: FastifyRequest, reply: FastifyReply): { signal: AbortSignal; done: () => void } => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new ServeError(503, 'TIMEOUT', `the request took over ${options.timeout} s (this server's --timeout)`)),
      options.timeout * 1000,
    );
    const left = () => {
      if (!reply.raw.writableFinished) controller.abort(new ServeError(499, 'CANCELLED', 'the client closed the connection'));
    };
    reply.raw.once('close', left);
    request.raw.once('aborted', left);
    return {
      signal: controller.signal,
      done: () => {
        clearTimeout(timer);
        reply.raw.off('close', left);
      },
    };
  };

  /**
   * Runs `job` in a slot; answers as soon as the request is aborted (a running job keeps its
   * slot until it stops, so no more than --concurrency ever run).
   */
  const inSlot = async <T>(signal: AbortSignal, job: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    let stop: () => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      const reject_ = () => reject(signal.reason);
      if (signal.aborted) reject_();
      signal.addEventListener('abort', reject_, { once: true });
      stop = () => signal.removeEventListener('abort', reject_);
    });
    aborted.catch(() => {});
    const work = queue.run(job, signal);
    work.catch(() => {});
    try {
      return await Promise.race([work, aborted]);
    } catch (error) {
      if (error instanceof QueueFullError) throw new ServeError(503, 'BUSY', error.message);
      throw error;
    } finally {
      stop();
    }
  };

  app.post('/v1/compare', async (request, reply) => {
    const form = await readForm(request, ['reference', 'distorted'], [], maxBytes);
    const o = resolveOptions(SERVE_COMPARE_FIELDS, parseOptionText(SERVE_COMPARE_FIELDS, form.fields), 'compare', 'parameter');
    const align = alignOf(o, 'parameter');
    // Not given: the server's own (the table's default, auto, is the CLI's).
    const kind = checkBackend(form.fields.backend === undefined ? options.backend : o.backend, allowed);
    const [reference, distorted] = [form.files.reference[0], form.files.distorted[0]];
    const { signal, done } = requestSignal(request, reply);
    try {
      const result = await inSlot(signal, async () => {
        const engine = await engineFor(kind);
        const [first, second] = await Promise.all([decodeUpload(reference, 'reference'), decodeUpload(distorted, 'distorted')]);
        try {
          return await compareImagesWith(
            first,
            second,
            Object.freeze({
              engine: { backend: kind, threads: options.threads },
              minScore: o.minScore,
              scale: o.scale,
              align,
              diffWhen: 'always',
              diffImage: o.diffImage,
            }),
            engine,
          );
        } catch (error) {
          // Named as the CLI names the distorted file.
          if (error instanceof FsimError && error.code === 'SIZE_MISMATCH')
            throw new FsimError('SIZE_MISMATCH', `distorted (${printable(distorted.filename)}): ${error.message}`);
          throw error;
        }
      });
      const { maps: _maps, version, diffImage, ...fields } = result;
      return {
        version,
        reference: reference.filename,
        distorted: distorted.filename,
        ...fields,
        ...(diffImage ? { diffImage: Buffer.from(diffImage.buffer, diffImage.byteOffset, diffImage.byteLength).toString('base64') } : {}),
      };
    } finally {
      done();
    }
  });

  app.post('/v1/rank', async (request, reply) => {
    const form = await readForm(request, ['reference'], ['candidates'], maxBytes);
    const o = resolveOptions(SERVE_RANK_FIELDS, parseOptionText(SERVE_RANK_FIELDS, form.fields), 'rank', 'parameter');
    const align = alignOf(o, 'parameter');
    // Not given: the server's own (the table's default, auto, is the CLI's).
    const kind = checkBackend(form.fields.backend === undefined ? options.backend : o.backend, allowed);
    const reference = form.files.reference[0];
    const { signal, done } = requestSignal(request, reply);
    try {
      const result = await inSlot(signal, async (slotSignal) => {
        const engine = await engineFor(kind);
        const image = await decodeUpload(reference, 'reference');
        const candidates = form.files.candidates.map(
          (file): RankCandidate => ({ name: file.filename, load: () => decodeImage(file.bytes, file.filename) }),
        );
        const rank: ResolvedRank = Object.freeze({
          compare: Object.freeze({ scale: o.scale, minScore: o.minScore, align }),
          by: o.by,
          top: o.top,
          lookahead: 2,
          signal: slotSignal,
        });
        return rankWith(engine, image, candidates, rank);
      });
      return {
        version: packageVersion(),
        reference: reference.filename,
        by: result.by,
        minScore: result.minScore,
        backend: result.backend,
        results: result.results,
        errors: result.errors,
      };
    } finally {
      done();
    }
  });

  if (site) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, {
      root: site,
      setHeaders: (reply) => {
        for (const [name, value] of Object.entries(SITE_HEADERS)) reply.header(name, value);
      },
    });
  }

  const defaultEngine: Promise<Fsim> = engineFor(options.backend);
  for (const kind of allowed) {
    if (kind !== options.backend) continue;
    const engine = await defaultEngine;
    metrics.backend.set({ kind, engine: engine.backend.name, default: 'true' }, 1);
  }
  ready = true;

  return {
    app,
    site,
    async listen() {
      await app.listen({ port: options.port, host: options.host });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async close() {
      closing = true;
      await app.close();
    },
  };
}

/** Whether an Authorization header carries the token (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function checkBackend(kind: BackendKind, allowed: readonly BackendKind[]): BackendKind {
  if (!allowed.includes(kind))
    throw new FsimError('BACKEND', `this server runs ${allowed.join(', ')}; backend ${kind} is not among them (fsim serve --backends)`);
  return kind;
}

function toServeError(error: Error & { statusCode?: number; code?: string }): ServeError {
  if (error instanceof ServeError) return error;
  if (error instanceof FsimError) return new ServeError(STATUS_OF[error.code] ?? 400, error.code, printable(error.message));
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code =
      CODE_OF[error.code ?? ''] ?? (status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST');
    return new ServeError(status, code, printable(error.message));
  }
  // A client that left mid-upload (nobody reads the answer).
  if (error.message === 'aborted' || error.code === 'ECONNRESET' || error.code === 'FST_PREMATURE_CLOSE')
    return new ServeError(400, 'BAD_REQUEST', 'the client closed the connection mid-request');
  // Busboy's own errors (a body that ends early, a broken boundary) carry no status.
  if (/Unexpected end of (form|multipart data)|Malformed|boundary|Part terminated early/i.test(error.message))
    return new ServeError(400, 'BAD_REQUEST', `malformed multipart body (${printable(error.message)})`);
  return new ServeError(500, 'INTERNAL', `internal error: ${printable(error.message)}`);
}

interface Upload {
  filename: string;
  bytes: Uint8Array;
}

interface Form {
  files: Record<string, Upload[]>;
  fields: Record<string, string>;
}

/**
 * A multipart form: `single` file fields (exactly one each), `repeated` ones (at least one),
 * text fields (each at most once). Any other file field, a text value where a file belongs
 * and the reverse are errors naming the field; so is a missing one.
 */
async function readForm(request: FastifyRequest, single: readonly string[], repeated: readonly string[], maxBytes: number): Promise<Form> {
  if (!request.isMultipart())
    throw new ServeError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data (curl -F reference=@a.png -F distorted=@b.png)');
  const fileFields = [...single, ...repeated];
  const form: Form = { files: Object.fromEntries(fileFields.map((f) => [f, []])), fields: {} };
  let total = 0;
  // A field error is answered once the whole form is read (the client is still sending it);
  // the form's own faults (malformed, over a limit) end the reading at once.
  let refusal: ServeError | undefined;
  for await (const part of request.parts()) {
    const name = part.fieldname;
    if (part.type === 'file') {
      let fault: string | undefined;
      if (!fileFields.includes(name)) fault = `${printable(name)} is not a file field here (files: ${fileFields.join(', ')})`;
      else if (single.includes(name) && form.files[name].length > 0) fault = `${name} is given twice; give one file`;
      if (refusal || fault) {
        refusal ??= new ServeError(400, 'USAGE', fault!);
        part.file.resume();
        continue;
      }
      const bytes = await part.toBuffer();
      // A body sent without Content-Length (chunked) is held to the limit here.
      total += bytes.length;
      if (total > maxBytes)
        throw new ServeError(413, 'PAYLOAD_TOO_LARGE', `the upload is over this server's ${maxBytes / 1024 / 1024} MiB limit`);
      form.files[name].push({ filename: part.filename || name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    } else {
      if (part.valueTruncated)
        throw new ServeError(413, 'PAYLOAD_TOO_LARGE', `the field ${printable(name)} is over ${MAX_FIELD_BYTES} bytes`);
      if (fileFields.includes(name))
        refusal ??= new ServeError(400, 'USAGE', `${name} must be a file upload (curl -F ${name}=@FILE), not a text value`);
      else if (name in form.fields) refusal ??= new ServeError(400, 'USAGE', `the field ${printable(name)} is given twice`);
      else form.fields[name] = String(part.value);
    }
  }
  if (refusal) throw refusal;
  for (const name of fileFields)
    if (form.files[name].length === 0) throw new ServeError(400, 'USAGE', `the file field ${name} is missing (curl -F ${name}=@FILE)`);
  return form;
}

async function decodeUpload(upload: Upload, side: string): Promise<RasterImage> {
  return decodeImage(upload.bytes, `${side} (${upload.filename})`);
}
