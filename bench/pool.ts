// Pools several runs: npx tsx bench/pool.ts run-1.json run-2.json … (copies of bench/results.json,
// one per `npm run bench`). Prints the same two tables as a run, from every run's samples.
import { readFileSync } from 'node:fs';
import { printReport } from './report.ts';
import { benchResults } from './results.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npx tsx bench/pool.ts <results.json> [<results.json> …]\n');
  process.exit(2);
}
const runs = files.map((name) => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(name, 'utf8'));
  } catch (error) {
    process.stderr.write(`${name} could not be read as JSON (${error instanceof Error ? error.message : String(error)}).\n`);
    process.exit(1);
  }
  const parsed = benchResults.safeParse(json);
  if (!parsed.success) {
    process.stderr.write(`${name} is not a bench/results.json written by npm run bench.\n`);
    process.exit(1);
  }
  return parsed.data;
});
printReport(runs);
