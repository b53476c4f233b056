// The cost of the core's own work: parsing and planning, per operation.
import { performance } from 'node:perf_hooks';
import type { ChangeCommand } from '../src/core/command.ts';
import { parseCommand } from '../src/core/grammar.ts';
import type { Pin } from '../src/core/pin.ts';
import { buildPlan } from '../src/core/plan.ts';
import { row, type Row } from './stats.ts';

function timePerOp(name: string, iterations: number, work: (i: number) => void): Row {
  for (let i = 0; i < Math.min(1000, iterations); i++) work(i);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work(i);
  return row(name, ((performance.now() - started) * 1000) / iterations, 'µs/op');
}

export function coreCosts(): Row[] {
  const pins: Pin[] = Array.from({ length: 50 }, (_, i) => ({ modelId: `org/model-${i}`, computeType: i % 2 ? 'gpu' : 'cpu' }));
  const add = parseCommand('add org/new-a org/new-b:gpu cpu') as ChangeCommand;
  return [
    timePerOp('parse `add` with 3 models', 50_000, () => parseCommand('add org/a org/b:gpu bigscience/bloom cpu')),
    timePerOp('parse 4000-char garbage', 20_000, (i) => {
      try {
        parseCommand(`add ${'x<@U1>'.repeat(600)}${i}`);
      } catch {
        // refusals are the point here
      }
    }),
    timePerOp('plan: add 2 to a 50-model list', 20_000, () => buildPlan(add, { pins, allowed: 60 })),
  ];
}
