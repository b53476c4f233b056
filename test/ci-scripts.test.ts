import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CI = join(import.meta.dirname, '..', '.ci');
const commands = (file: string) => readFileSync(join(CI, file), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));

// Running the Node 24 stage itself needs the npm registry and a native build (minutes); these
// check the shape that keeps the checkout's build: the rebuild happens only inside the copy.
describe('CI on a second Node leaves the checkout built for the first', () => {
  it('.ci/run rebuilds no native module in the checkout and runs Node 24 through .ci/on-node24', () => {
    const run = commands('run');
    expect(run.filter((line) => /\bnpm rebuild\b|--nodedir/.test(line))).toEqual([]);
    expect(run).toContain('bash .ci/on-node24 npm test < /dev/null');
  });

  it('.ci/on-node24 rebuilds and runs only after moving into a full copy of the tree', () => {
    const script = commands('on-node24');
    const copied = script.findIndex((line) => /^tar -C "\$root" .*-cf - \. \| tar -C "\$copy" -xf -$/.test(line));
    const entered = script.indexOf('cd "$copy"');
    const rebuilt = script.findIndex((line) => line.startsWith('npm rebuild better-sqlite3'));
    const ran = script.indexOf('"$@"');
    expect(copied).toBeGreaterThan(-1);
    expect(entered).toBeGreaterThan(copied);
    expect(rebuilt).toBeGreaterThan(entered);
    expect(ran).toBeGreaterThan(rebuilt);
    expect(script.filter((line) => /^cd /.test(line))).toEqual(['cd "$copy"']);
    expect(script).toContain(`trap 'rm -rf "$work"' EXIT`);
  });
});
