import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from './core/ports.ts';

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** The text exposition for `GET /metrics`. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Prometheus metrics on a registry of their own, so several instances (tests) never collide. */
export function createPrometheusMetrics(options: { defaultMetrics?: boolean } = {}): PrometheusMetrics {
  const registry = new Registry();
  // Under prom-client's own names (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`…),
  // which the standard Node.js dashboards query; pinbot's own metrics carry `pinbot_`.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: 'pinbot_commands_total', help: 'Commands handled, by verb and outcome (ok, refused, error).',
    labelNames: ['verb', 'outcome'], registers: [registry],
  });
  const proposals = new Counter({
    name: 'pinbot_proposals_settled_total', help: 'Proposals that reached a final state, by state.',
    labelNames: ['state'], registers: [registry],
  });
  const apply = new Histogram({
    name: 'pinbot_apply_seconds', help: 'Time from an approval taking the scope lock to the proposal settling.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const hfRequests = new Histogram({
    name: 'pinbot_hf_request_seconds', help: 'Hugging Face requests, by endpoint, method and status (or network).',
    labelNames: ['endpoint', 'method', 'status'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15], registers: [registry],
  });
  const hfErrors = new Counter({
    name: 'pinbot_hf_errors_total', help: 'Hugging Face requests that did not succeed, by endpoint and status.',
    labelNames: ['endpoint', 'status'], registers: [registry],
  });
  const hfRetries = new Counter({
    name: 'pinbot_hf_retries_total', help: 'Hugging Face requests retried, by endpoint and reason.',
    labelNames: ['endpoint', 'reason'], registers: [registry],
  });
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    commandHandled: (verb, outcome) => commands.inc({ verb, outcome }),
    proposalSettled: (state) => proposals.inc({ state }),
    applySeconds: (seconds) => apply.observe(seconds),
    hfRequest: (endpoint, method, status, seconds) => {
      hfRequests.observe({ endpoint, method, status }, seconds);
      if (!/^2\d\d$/.test(status)) hfErrors.inc({ endpoint, status });
    },
    hfRetry: (endpoint, reason) => hfRetries.inc({ endpoint, reason }),
  };
}
