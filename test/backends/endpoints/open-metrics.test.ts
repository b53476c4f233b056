import { describe, expect, it } from 'vitest';
import { OpenMetricsError, parseEndpointMetrics } from '../../../src/backends/endpoints/open-metrics.ts';
import { toSample } from '../../../src/backends/endpoints/usage.ts';

/** The analytics guide's example answer, as printed there (no `# EOF`). */
const GUIDE_EXAMPLE = `# HELP latency_distribution Latency distribution
# TYPE latency_distribution summary
latency_distribution{quantile="0.5"} 0.006339203
latency_distribution{quantile="0.9"} 0.007574241
latency_distribution{quantile="0.95"} 0.007994495
latency_distribution{quantile="0.99"} 0.020140918
latency_distribution_count 4
latency_distribution_sum 0.042048857
# HELP http_requests HTTP requests by code and replicas
# TYPE http_requests counter
http_requests{replica_id="fqwg7eri-hskoj",status_code="200"} 1152
http_requests{replica_id="q9cv26ut-3vo4s",status_code="200"} 1
# HELP cpu_usage_percent CPU percent
# TYPE cpu_usage_percent gauge
# UNIT cpu_usage_percent percent
`;

describe('the endpoints OpenMetrics parser', () => {
  it('reads the analytics guide\'s example: requests per replica and status code, and the latency quantiles', () => {
    const metrics = parseEndpointMetrics(GUIDE_EXAMPLE);

    expect(metrics.requests).toEqual([
      { replica: 'fqwg7eri-hskoj', statusCode: 200, value: 1152 },
      { replica: 'q9cv26ut-3vo4s', statusCode: 200, value: 1 },
    ]);
    expect([...metrics.latencyQuantiles]).toEqual([[0.5, 0.006339203], [0.9, 0.007574241], [0.95, 0.007994495], [0.99, 0.020140918]]);
  });

  it('keeps a counter per replica and status code with its class, leaves out 1xx, and names the quantiles p50, p90 and p99', () => {
    const text = `${GUIDE_EXAMPLE}http_requests{replica_id="fqwg7eri-hskoj",status_code="201"} 8
http_requests{replica_id="fqwg7eri-hskoj",status_code="503"} 3
http_requests{replica_id="fqwg7eri-hskoj",status_code="429"} 2
http_requests{replica_id="fqwg7eri-hskoj",status_code="101"} 7
cpu_usage_percent{replica_id="fqwg7eri-hskoj"} 12.5 1764244800
# EOF
`;
    expect(toSample(parseEndpointMetrics(text))).toEqual({
      counters: [
        { instance: 'fqwg7eri-hskoj', status: '2xx', series: '200', value: 1152 },
        { instance: 'q9cv26ut-3vo4s', status: '2xx', series: '200', value: 1 },
        { instance: 'fqwg7eri-hskoj', status: '2xx', series: '201', value: 8 },
        { instance: 'fqwg7eri-hskoj', status: '5xx', series: '503', value: 3 },
        { instance: 'fqwg7eri-hskoj', status: '4xx', series: '429', value: 2 },
      ],
      latency: { p50: 0.006339203, p90: 0.007574241, p99: 0.020140918 },
    });
  });

  it('accepts the counter with its _total suffix, escaped label values, CRLF line ends, and stops at # EOF', () => {
    const text = 'http_requests_total{status_code="200",replica_id="a\\"b\\\\c"} 5\r\n# EOF\nanything after EOF\n';
    expect(parseEndpointMetrics(text).requests).toEqual([{ replica: 'a"b\\c', statusCode: 200, value: 5 }]);
  });

  it('leaves out quantiles that are NaN before any request', () => {
    const metrics = parseEndpointMetrics('latency_distribution{quantile="0.5"} NaN\nlatency_distribution_count 0\n');
    expect(metrics.latencyQuantiles.size).toBe(0);
    expect(toSample(metrics)).toEqual({ counters: [] });
  });

  it.each([
    ['a request count without its replica', 'http_requests{status_code="200"} 1', 'line 1: http_requests has no replica_id'],
    ['a request count without a status code', 'http_requests{replica_id="r"} 1', 'line 1: http_requests has no three-digit status_code'],
    ['a negative count', 'http_requests{replica_id="r",status_code="200"} -1', 'line 1: http_requests is not a count: -1'],
    ['the same series twice', 'http_requests{replica_id="r",status_code="200"} 1\nhttp_requests{replica_id="r",status_code="200"} 2', 'line 2: http_requests for replica r and status 200 appears twice'],
    ['a line that is no sample', '<html>Bad Gateway</html>', 'line 1: not a metric sample'],
    ['a sample without a value', 'cpu_usage_percent', 'line 1: cpu_usage_percent has no value, or more than a value and a timestamp'],
    ['an unterminated label', 'http_requests{replica_id="r 1', 'line 1: an unterminated label value'],
    ['a quantile out of range', 'latency_distribution{quantile="2"} 1', 'line 1: latency_distribution has no quantile between 0 and 1'],
  ])('refuses %s, naming the line', (_what, text, message) => {
    expect(() => parseEndpointMetrics(text)).toThrow(OpenMetricsError);
    expect(() => parseEndpointMetrics(text)).toThrow(message);
  });
});
