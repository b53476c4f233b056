/**
 * The one place that reads the Endpoints API's OpenMetrics text (NOTES.md, "Usage"), so the parser
 * can be swapped for a library without touching anything else. It is strict about the lines it
 * uses: every line must be a comment or a well-formed sample; `http_requests` needs `replica_id`
 * and `status_code`, a finite non-negative value, and appears once per pair; `latency_distribution`
 * needs `quantile`. Other series (`cpu_usage_percent`, GPU, memory) are checked for form and skipped.
 */

/** One `http_requests` sample: requests a replica answered with a status code since it started. */
export interface RequestCount {
  readonly replica: string;
  readonly statusCode: number;
  readonly value: number;
}

export interface EndpointMetrics {
  readonly requests: readonly RequestCount[];
  /** `latency_distribution{quantile="0.5"}` … in seconds, by quantile; NaN ones (no requests yet) left out. */
  readonly latencyQuantiles: ReadonlyMap<number, number>;
}

export class OpenMetricsError extends Error {
  override readonly name = 'OpenMetricsError';
  constructor(readonly line: number, problem: string) {
    super(`line ${line}: ${problem}`);
  }
}

/** The OpenMetrics counter may be exposed with or without its `_total` suffix; the analytics guide's example has none. */
const REQUESTS = new Set(['http_requests', 'http_requests_total']);
const LATENCY = 'latency_distribution';
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;

interface Sample {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
}

export function parseEndpointMetrics(text: string): EndpointMetrics {
  const requests: RequestCount[] = [];
  const seen = new Set<string>();
  const latencyQuantiles = new Map<number, number>();
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '# EOF') break;
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSample(line, number);
    if (REQUESTS.has(sample.name)) {
      const replica = sample.labels.get('replica_id');
      const code = sample.labels.get('status_code');
      if (replica === undefined || replica === '') throw new OpenMetricsError(number, `${sample.name} has no replica_id`);
      if (code === undefined || !/^\d{3}$/.test(code)) throw new OpenMetricsError(number, `${sample.name} has no three-digit status_code`);
      if (!Number.isFinite(sample.value) || sample.value < 0) throw new OpenMetricsError(number, `${sample.name} is not a count: ${sample.value}`);
      const key = `${replica}\u0000${code}`;
      if (seen.has(key)) throw new OpenMetricsError(number, `${sample.name} for replica ${replica} and status ${code} appears twice`);
      seen.add(key);
      requests.push({ replica, statusCode: Number(code), value: sample.value });
    } else if (sample.name === LATENCY) {
      const quantile = Number(sample.labels.get('quantile'));
      if (!(quantile >= 0 && quantile <= 1)) throw new OpenMetricsError(number, `${LATENCY} has no quantile between 0 and 1`);
      if (Number.isFinite(sample.value) && sample.value >= 0) latencyQuantiles.set(quantile, sample.value);
    }
  }
  return { requests, latencyQuantiles };
}

/** `name{label="value",…} value [timestamp]` */
function parseSample(line: string, number: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) throw new OpenMetricsError(number, 'not a metric sample');
  let rest = line.slice(name.length);
  const labels = new Map<string, string>();
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (label === undefined || rest[label.length] !== '=' || rest[label.length + 1] !== '"') throw new OpenMetricsError(number, 'a malformed label');
      rest = rest.slice(label.length + 2);
      let value = '';
      for (;;) {
        const char = rest[0];
        if (char === undefined) throw new OpenMetricsError(number, 'an unterminated label value');
        rest = rest.slice(1);
        if (char === '"') break;
        if (char === '\\') {
          const escaped = rest[0];
          rest = rest.slice(1);
          if (escaped === 'n') value += '\n';
          else if (escaped === '"' || escaped === '\\') value += escaped;
          else throw new OpenMetricsError(number, 'an unknown escape in a label value');
        } else {
          value += char;
        }
      }
      if (labels.has(label)) throw new OpenMetricsError(number, `label ${label} given twice`);
      labels.set(label, value);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new OpenMetricsError(number, 'labels not separated by commas');
    }
    rest = rest.slice(1);
  }
  const [empty, value, timestamp, ...extra] = rest.split(' ');
  if (empty !== '' || value === undefined || !NUMBER.test(value) || extra.length > 0 || (timestamp !== undefined && !NUMBER.test(timestamp))) {
    throw new OpenMetricsError(number, `${name} has no value, or more than a value and a timestamp`);
  }
  return { name, labels, value: parseValue(value) };
}

function parseValue(value: string): number {
  if (value.endsWith('Inf')) return value.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(value);
}
