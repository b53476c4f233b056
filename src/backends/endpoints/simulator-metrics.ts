import { z } from 'zod';

/**
 * The simulator's request counters per endpoint and replica, served as the OpenMetrics text of
 * `GET /endpoint/{namespace}/{name}/open-metrics` in the shape of the analytics guide's example
 * (NOTES.md, "Usage"): `http_requests{replica_id,status_code}` as a counter without the `_total`
 * suffix, `latency_distribution{quantile}` as a summary with `_count` and `_sum`, and a
 * `cpu_usage_percent` gauge. Counters move only with injected traffic; a replica that restarts
 * counts from zero again, and one replaced by another disappears from the text.
 */
export class SimulatedMetrics {
  /** By endpoint key, then replica id, then status code. */
  private readonly counters = new Map<string, Map<string, Map<number, number>>>();
  private readonly latencies = new Map<string, number[]>();

  /** Requests answered by one replica (the endpoint's first, or `{name}-1` when it has none yet). */
  traffic(key: string, name: string, requests: Readonly<Record<string, number>>, options: { replica?: string; latencySeconds?: number } = {}): void {
    const replicas = this.replicasOf(key);
    const replica = options.replica ?? replicas.keys().next().value ?? `${name}-1`;
    const codes = replicas.get(replica) ?? new Map<number, number>();
    replicas.set(replica, codes);
    let total = 0;
    for (const [code, count] of Object.entries(requests)) {
      codes.set(Number(code), (codes.get(Number(code)) ?? 0) + count);
      total += count;
    }
    if (options.latencySeconds !== undefined) {
      const observed = this.latencies.get(key) ?? [];
      for (let index = 0; index < Math.min(total, LATENCIES_KEPT); index++) observed.push(options.latencySeconds);
      this.latencies.set(key, observed.slice(-LATENCIES_KEPT));
    }
  }

  /** A replica restarts: its counters start again from zero; with `as`, it is replaced by a new replica of that id. */
  restart(key: string, replica: string, as?: string): void {
    const replicas = this.replicasOf(key);
    if (!replicas.has(replica)) throw new Error(`endpoints simulator: no replica ${replica}`);
    replicas.delete(replica);
    replicas.set(as ?? replica, new Map());
  }

  /** The replica ids the endpoint has now. */
  replicas(key: string): string[] {
    return [...this.replicasOf(key).keys()];
  }

  render(key: string): string {
    const lines: string[] = [];
    const observed = [...(this.latencies.get(key) ?? [])].sort((a, b) => a - b);
    lines.push('# HELP latency_distribution Latency distribution', '# TYPE latency_distribution summary');
    for (const quantile of QUANTILES) {
      const value = observed.length === 0 ? 'NaN' : String(observed[Math.min(observed.length - 1, Math.floor(quantile * observed.length))]);
      lines.push(`latency_distribution{quantile="${quantile}"} ${value}`);
    }
    lines.push(`latency_distribution_count ${observed.length}`, `latency_distribution_sum ${observed.reduce((sum, value) => sum + value, 0)}`);
    lines.push('# HELP http_requests HTTP requests by code and replicas', '# TYPE http_requests counter');
    for (const [replica, codes] of this.replicasOf(key)) {
      for (const [code, count] of codes) lines.push(`http_requests{replica_id="${replica}",status_code="${code}"} ${count}`);
    }
    lines.push('# HELP cpu_usage_percent CPU percent', '# TYPE cpu_usage_percent gauge', '# UNIT cpu_usage_percent percent');
    for (const replica of this.replicasOf(key).keys()) lines.push(`cpu_usage_percent{replica_id="${replica}"} 12.5`);
    lines.push('# EOF');
    return `${lines.join('\n')}\n`;
  }

  reset(): void {
    this.counters.clear();
    this.latencies.clear();
  }

  private replicasOf(key: string): Map<string, Map<number, number>> {
    const replicas = this.counters.get(key) ?? new Map<string, Map<number, number>>();
    this.counters.set(key, replicas);
    return replicas;
  }
}

const QUANTILES = [0.5, 0.9, 0.95, 0.99];
const LATENCIES_KEPT = 1000;

/** `POST /_simulator/traffic`: requests by status code, answered by one replica of an endpoint. */
export const adminTrafficSchema = z.object({
  token: z.string().min(1),
  name: z.string().min(1),
  requests: z.record(z.string().regex(/^\d{3}$/), z.number().int().nonnegative()),
  replica: z.string().min(1).optional(),
  latencySeconds: z.number().nonnegative().optional(),
}).strict();

/** `POST /_simulator/replica-restart`: a replica restarts (counters from zero), or is replaced by one of id `as`. */
export const adminRestartSchema = z.object({
  token: z.string().min(1),
  name: z.string().min(1),
  replica: z.string().min(1),
  as: z.string().min(1).optional(),
}).strict();

/** The text a namespace without the metrics plan gets, with 403. */
export const METRICS_PLAN_TEXT = 'The metrics API is available on the Team and Enterprise plans only';
