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

// Running the smoke itself builds the artefact (a minute or more, and the npm registry); these
// check the shape that lets it run beside a simulator or pinbot already on this machine.
describe('the artefact smoke cannot collide with servers already running, and leaves nothing behind', () => {
  const script = commands('artifact-smoke');

  it('names no fixed port: every server it starts takes a free one', () => {
    expect(script.filter((line) => /127\.0\.0\.1:\d|localhost:\d|\.listen\(\s*[1-9]/.test(line))).toEqual([]);
    expect(script.some((line) => /^PORT=0 node dist\/backends\/simulator-main\.js /.test(line))).toBe(true);
    expect(script.some((line) => /^PORT=0 .*\\$/.test(line) && line.includes('DATABASE_URL='))).toBe(true);
  });

  it('checks the simulator answers before pinbot starts and still answers at the end', () => {
    const checks = script.map((line, index) => (line.includes('simulator_answers') && !line.startsWith('simulator_answers()') ? index : -1)).filter((index) => index >= 0);
    const pinbotStarts = script.findIndex((line) => line.startsWith('node --max-old-space-size=128 dist/main.js'));
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks[0]).toBeLessThan(pinbotStarts);
    expect(checks.at(-1)).toBeGreaterThan(script.indexOf('wait "$pid"'));
  });

  it('removes its temporary directories on every exit, through a trap set before the first is filled', () => {
    const trap = script.indexOf('trap cleanup EXIT');
    expect(trap).toBeGreaterThan(-1);
    expect(script).toContain('rm -rf "$build" "$app"');
    expect(trap).toBeLessThan(script.findIndex((line) => line.startsWith('cp ')));
  });
});
