import { describe, expect, it } from 'vitest';
import { startEndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';

describe('the Endpoints simulator\'s metrics', () => {
  it('serves per-replica counters moved by traffic and restarts over HTTP, and 403 to a namespace without the metrics plan', async () => {
    const sim = await startEndpointsSimulator({
      accounts: {
        'hf_metrics': { namespace: 'acme', endpoints: [{ name: 'chat', repository: 'gpt2', minReplica: 1, maxReplica: 2 }] },
        'hf_no_plan': { namespace: 'small', metricsPlan: false, endpoints: [{ name: 'chat', repository: 'gpt2', minReplica: 1, maxReplica: 1 }] },
      },
    });
    try {
      const admin = (path: string, body: unknown) => fetch(`${sim.url}/_simulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
      const metrics = (token: string, namespace: string) => fetch(`${sim.url}/v2/endpoint/${namespace}/chat/open-metrics`, { headers: { authorization: `Bearer ${token}` } });

      expect((await admin('traffic', { token: 'hf_metrics', name: 'chat', replica: 'r1', requests: { '200': 5, '500': 1 }, latencySeconds: 0.5 })).status).toBe(204);
      expect((await admin('traffic', { token: 'hf_metrics', name: 'chat', replica: 'r2', requests: { '200': 2 } })).status).toBe(204);
      const first = await metrics('hf_metrics', 'acme');
      expect(first.headers.get('content-type')).toContain('application/openmetrics-text');
      const text = await first.text();
      expect(text).toContain('http_requests{replica_id="r1",status_code="200"} 5\nhttp_requests{replica_id="r1",status_code="500"} 1\nhttp_requests{replica_id="r2",status_code="200"} 2\n');
      expect(text).toContain('latency_distribution{quantile="0.5"} 0.5');
      expect(text.endsWith('# EOF\n')).toBe(true);

      expect((await admin('replica-restart', { token: 'hf_metrics', name: 'chat', replica: 'r2', as: 'r3' })).status).toBe(204);
      expect((await admin('replica-restart', { token: 'hf_metrics', name: 'chat', replica: 'gone' })).status).toBe(404);
      const after = await (await metrics('hf_metrics', 'acme')).text();
      expect(after).not.toContain('r2');
      expect(sim.replicas('hf_metrics', 'chat')).toEqual(['r1', 'r3']);

      const refused = await metrics('hf_no_plan', 'small');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: 'The metrics API is available on the Team and Enterprise plans only' });
    } finally {
      await sim.close();
    }
  });
});
