/**
 * The server's Prometheus metrics (prom-client, a registry of its own): requests by route and
 * status, their latency, the queue, the backends, and Node's process metrics.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueue } from './workQueue.js';

export interface ServerMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly latency: Histogram<'route'>;
  readonly backend: Gauge<'kind' | 'engine' | 'default'>;
}

export async function createMetrics(queue: WorkQueue): Promise<ServerMetrics> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'fsim_' });
  const requests = new client.Counter({
    name: 'fsim_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'fsim_http_request_duration_seconds',
    help: 'Time from a request to its answer, queueing and upload included',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  new client.Gauge({
    name: 'fsim_queue_depth',
    help: 'Requests waiting for a slot',
    registers: [registry],
    collect() {
      this.set(queue.depth);
    },
  });
  new client.Gauge({
    name: 'fsim_running',
    help: 'Comparisons and rankings running now',
    registers: [registry],
    collect() {
      this.set(queue.active);
    },
  });
  const backend = new client.Gauge({
    name: 'fsim_backend_info',
    help: 'The engines this server runs (1 each): the backend requests may name, its engine, and whether it is the default',
    labelNames: ['kind', 'engine', 'default'] as const,
    registers: [registry],
  });
  return { registry, requests, latency, backend };
}
