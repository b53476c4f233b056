// The cost of the core's own work per operation: parsing, planning, and the logger each request makes.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { ChangeCommand } from '../src/core/command.ts';
import { parseCommand } from '../src/core/grammar.ts';
import type { Pin } from '../src/core/pin.ts';
import { buildPlan } from '../src/core/plan.ts';
import { createLogger } from '../src/logger.ts';
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
  const logger = createLogger({ level: 'info', secrets: ['xoxb-not-a-secret'], sink: new Writable({ write: (_chunk, _encoding, done) => done() }), pretty: false });
  const kept: unknown[] = [];
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
    // Every Slack command and Discord interaction makes one on the thread that acks the next.
    timePerOp('child logger for a request that logs nothing', 100_000, (i) => {
      kept[i % 64] = logger.child({ platform: 'discord', interactionId: `1${i}`, user: 'U1', guildId: 'G1', channelId: 'C1' });
    }),
  ];
}
