// Pools several runs' ack samples: npx tsx bench/pool.ts run-1.json run-2.json …
// (copies of bench/results.json, one per `npm run bench`). Prints one line per ack case, the
// pooled acks per second where the runs kept them (Slack N = 200), then the scaling figures.
import { readFileSync } from 'node:fs';
import { poolRuns, poolScaling } from './pool-runs.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npx tsx bench/pool.ts <results.json> [<results.json> …]\n');
  process.exit(2);
}
function readJson(name: string): unknown {
  try {
    return JSON.parse(readFileSync(name, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`${name} could not be read as JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}

try {
  const runs = files.map((name) => ({ name, json: readJson(name) }));
  const pooled = poolRuns(runs);
  if (pooled.length > 0) console.table(pooled.map((one) => ({
    case: one.label,
    runs: one.runs,
    'rounds per app': one.rounds,
    'p50 pinbot / base ms': `${one.pinbot.p50} / ${one.baseline.p50}`,
    'p99 pinbot / base ms': `${one.pinbot.p99} / ${one.baseline.p99}`,
    'ratio p50': one.ratioP50,
    'ratio p99': one.ratioP99,
    goal: '≤ 1.2',
    met: one.ratioP50 <= 1.2 && one.ratioP99 <= 1.2 ? 'yes' : 'NO',
    'ratio p99, 90 % interval': `${one.intervalP99.low}–${one.intervalP99.high}`,
    'each run p99': one.runRatiosP99.join(' '),
  })));
  const withThroughput = pooled.flatMap((one) => (one.throughput ? [{ label: one.label, ...one.throughput }] : []));
  if (withThroughput.length > 0) {
    console.table(withThroughput.map((one) => ({
      case: one.label,
      'acks/s pinbot / base (median of every burst)': `${one.pinbot} / ${one.baseline}`,
      'throughput ratio': one.ratio,
      goal: '≥ 0.85',
      met: one.ratio >= 0.85 ? 'yes' : 'NO',
      'each run': one.runRatios.join(' '),
    })));
  }
  const scaling = poolScaling(runs);
  if (scaling.length > 0) {
    console.table(scaling.map((one) => ({
      measure: `${one.measure} (${one.unit})`,
      runs: one.runs,
      sizes: `${one.sizes.map((size) => size.toLocaleString('en')).join(' / ')} ${one.sizeName}`,
      'pooled cost': one.values.join(' / '),
      'interval (p99s) or range (others)': one.spread.map((range) => `${range.low}–${range.high}`).join(' / '),
      growth: one.growth,
      goal: one.goal ?? '',
    })));
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
