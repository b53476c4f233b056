import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../src/metrics.ts';

describe('Prometheus metrics', () => {
  it('exposes commands, settled proposals, apply latency, HF requests, errors and retries', async () => {
    const metrics = createPrometheusMetrics({ defaultMetrics: false });
    metrics.commandHandled('list', 'ok');
    metrics.commandHandled('add', 'refused');
    metrics.proposalSettled('applied');
    metrics.applySeconds(0.2);
    metrics.hfRequest('pinned_models', 'GET', '200', 0.01);
    metrics.hfRequest('pinned_models', 'POST', '503', 0.02);
    metrics.hfRetry('pinned_models', '503');

    const text = await metrics.render();

    expect(text).toContain('pinbot_commands_total{verb="list",outcome="ok"} 1');
    expect(text).toContain('pinbot_commands_total{verb="add",outcome="refused"} 1');
    expect(text).toContain('pinbot_proposals_settled_total{state="applied"} 1');
    expect(text).toContain('pinbot_apply_seconds_count 1');
    expect(text).toContain('pinbot_hf_request_seconds_count{endpoint="pinned_models",method="GET",status="200"} 1');
    expect(text).toContain('pinbot_hf_errors_total{endpoint="pinned_models",status="503"} 1');
    expect(text).not.toContain('pinbot_hf_errors_total{endpoint="pinned_models",status="200"}');
    expect(text).toContain('pinbot_hf_retries_total{endpoint="pinned_models",reason="503"} 1');
  });

  it('names the Node.js process metrics as prom-client does, which the standard dashboards query', async () => {
    const text = await createPrometheusMetrics().render();

    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'));
    }
    expect(text).not.toContain('pinbot_process_');
    expect(text).toContain('# TYPE pinbot_commands_total counter');
  });
});
