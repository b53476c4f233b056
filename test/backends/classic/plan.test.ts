import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeCommand, RequestedPin } from '../../../src/core/domain/command.ts';
import { hasCode, PinbotError } from '../../../src/core/domain/errors.ts';
import { type Pin } from '../../../src/core/domain/pin.ts';
import { diffLists } from '../../../src/core/domain/plan.ts';
import { buildPlan, listVersion } from '../../../src/backends/classic/plan.ts';
import { pinToWire } from '../../../src/backends/classic/pin-wire.ts';

const gpt2: Pin = { modelId: 'gpt2', computeType: 'cpu', wire: { model_id: 'gpt2', compute_type: 'cpu' } };
const bloom: Pin = { modelId: 'bigscience/bloom', computeType: 'gpu', wire: { model_id: 'bigscience/bloom', compute_type: 'gpu' } };
const exotic: Pin = {
  modelId: 'org/exotic',
  computeType: 'tpu-v5',
  wire: { model_id: 'org/exotic', compute_type: 'tpu-v5', region: 'eu', replicas: 2 },
};

function plan(command: ChangeCommand, pins: readonly Pin[], allowed = 5) {
  return buildPlan(command, { pins, allowed });
}

function thrown(run: () => unknown): PinbotError {
  try {
    run();
  } catch (error) {
    if (error instanceof PinbotError) return error;
    throw error;
  }
  throw new Error('expected a PinbotError');
}

describe('buildPlan', () => {
  it('adds models after the current ones and reports them as added', () => {
    const result = plan({ verb: 'add', pins: [{ modelId: 'bert-base-uncased', computeType: 'gpu' }] }, [gpt2, bloom]);
    expect(result.proposed.map((p) => [p.modelId, p.computeType])).toEqual([
      ['gpt2', 'cpu'], ['bigscience/bloom', 'gpu'], ['bert-base-uncased', 'gpu'],
    ]);
    expect(result.diff).toEqual([{ kind: 'added', modelId: 'bert-base-uncased', computeType: 'gpu' }]);
    expect(result.allowed).toBe(5);
  });

  it('treats adding a pinned model on another compute type as a compute change', () => {
    const result = plan({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'gpu' }] }, [gpt2]);
    expect(result.diff).toEqual([{ kind: 'compute', modelId: 'gpt2', from: 'cpu', to: 'gpu' }]);
  });

  it('refuses an add of models already pinned as asked', () => {
    const error = thrown(() => plan({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] }, [gpt2]));
    expect(error.code).toBe('NO_CHANGE');
  });

  it('removes only the named models', () => {
    const result = plan({ verb: 'remove', modelIds: ['gpt2'] }, [gpt2, bloom, exotic]);
    expect(result.proposed).toEqual([bloom, exotic]);
    expect(result.diff).toEqual([{ kind: 'removed', modelId: 'gpt2', computeType: 'cpu' }]);
  });

  it('refuses to remove a model that is not pinned, naming it and the current list', () => {
    const error = thrown(() => plan({ verb: 'remove', modelIds: ['gpt2', 'nope/missing'] }, [gpt2]));
    expect(hasCode(error, 'NOT_PINNED') && error.details.modelIds).toEqual(['nope/missing']);
    expect(hasCode(error, 'NOT_PINNED') && error.details.current).toEqual([gpt2]);
  });

  it('refuses a proposal over the quota with the numbers and the current list', () => {
    const error = thrown(() => plan({ verb: 'add', pins: [{ modelId: 'x', computeType: 'cpu' }, { modelId: 'y', computeType: 'cpu' }] }, [gpt2, bloom], 3));
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(hasCode(error, 'QUOTA_EXCEEDED') && error.details).toEqual({ allowed: 3, requested: 4, current: [gpt2, bloom] });
  });

  it('sets the whole list, keeping entries that stay as they were read', () => {
    const result = plan({ verb: 'set', pins: [{ modelId: 'org/exotic', computeType: 'gpu' }, { modelId: 'gpt2', computeType: 'cpu' }] }, [gpt2, bloom, exotic]);
    expect(result.proposed[1]).toBe(gpt2);
    expect(pinToWire(result.proposed[0] as Pin)).toEqual({ model_id: 'org/exotic', compute_type: 'gpu', region: 'eu', replicas: 2 });
    expect(result.diff).toEqual([
      { kind: 'removed', modelId: 'bigscience/bloom', computeType: 'gpu' },
      { kind: 'compute', modelId: 'org/exotic', from: 'tpu-v5', to: 'gpu' },
    ]);
  });

  it('moves models to another compute type and refuses when nothing moves', () => {
    expect(plan({ verb: 'compute', modelIds: ['gpt2'], computeType: 'gpu' }, [gpt2, bloom]).diff).toEqual([
      { kind: 'compute', modelId: 'gpt2', from: 'cpu', to: 'gpu' },
    ]);
    expect(thrown(() => plan({ verb: 'compute', modelIds: ['bigscience/bloom'], computeType: 'gpu' }, [gpt2, bloom])).code).toBe('NO_CHANGE');
  });

  it('clears everything, and refuses to clear an empty list', () => {
    expect(plan({ verb: 'clear' }, [gpt2, bloom]).proposed).toEqual([]);
    expect(thrown(() => plan({ verb: 'clear' }, [])).code).toBe('NO_CHANGE');
  });

  it('writes back entries with unknown compute types and extra fields unchanged', () => {
    const result = plan({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] }, [exotic]);
    expect(result.proposed.map(pinToWire)).toEqual([
      { model_id: 'org/exotic', compute_type: 'tpu-v5', region: 'eu', replicas: 2 },
      { model_id: 'gpt2', compute_type: 'cpu' },
    ]);
  });

  it('restores the list before a change for revert', () => {
    const result = buildPlan({ verb: 'revert', changeId: 'c1' }, { pins: [gpt2, bloom], allowed: 5 }, [gpt2]);
    expect(result.proposed).toEqual([gpt2]);
    expect(result.diff).toEqual([{ kind: 'removed', modelId: 'bigscience/bloom', computeType: 'gpu' }]);
  });
});

describe('listVersion', () => {
  it('ignores order and changes with any field', () => {
    expect(listVersion([gpt2, bloom])).toBe(listVersion([bloom, gpt2]));
    expect(listVersion([gpt2])).not.toBe(listVersion([{ ...gpt2, computeType: 'gpu', wire: { model_id: 'gpt2', compute_type: 'gpu' } }]));
    expect(listVersion([exotic])).not.toBe(listVersion([{ ...exotic, wire: { ...exotic.wire, replicas: 3 } }]));
  });
});

const modelId = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(\/[a-z][a-z0-9]{0,5})?$/);
const compute = fc.constantFrom('cpu', 'gpu');
const livePins = fc.uniqueArray(fc.record({ modelId, computeType: fc.constantFrom('cpu', 'gpu', 'tpu'), extra: fc.option(fc.integer()) }), {
  selector: (p) => p.modelId,
  maxLength: 8,
}).map((entries): Pin[] =>
  entries.map((e) => ({
    modelId: e.modelId,
    computeType: e.computeType,
    wire: { model_id: e.modelId, compute_type: e.computeType, ...(e.extra === null ? {} : { extra: e.extra }) },
  })),
);
const requested = fc.uniqueArray(fc.record({ modelId, computeType: compute }), { selector: (p) => p.modelId, minLength: 1, maxLength: 4 }) as fc.Arbitrary<RequestedPin[]>;

function namedBy(command: ChangeCommand): Set<string> {
  switch (command.verb) {
    case 'add':
    case 'set':
      return new Set(command.pins.map((p) => p.modelId));
    case 'remove':
    case 'compute':
      return new Set(command.modelIds);
    default:
      return new Set();
  }
}

describe('plan invariants (property-based)', () => {
  const commands = (pins: Pin[]): fc.Arbitrary<ChangeCommand> =>
    fc.oneof(
      requested.map((p): ChangeCommand => ({ verb: 'add', pins: p })),
      requested.map((p): ChangeCommand => ({ verb: 'set', pins: p })),
      fc.subarray(pins.map((p) => p.modelId), { minLength: 1 }).map((ids): ChangeCommand => ({ verb: 'remove', modelIds: ids })),
      fc.tuple(fc.subarray(pins.map((p) => p.modelId), { minLength: 1 }), compute).map(([ids, c]): ChangeCommand => ({ verb: 'compute', modelIds: ids, computeType: c })),
      fc.constant<ChangeCommand>({ verb: 'clear' }),
    );

  it('never drops or alters an entry the change did not name, never exceeds the quota, and diffs exactly', () => {
    fc.assert(
      fc.property(
        livePins.chain((pins) => fc.tuple(fc.constant(pins), pins.length > 0 ? commands(pins) : requested.map((p): ChangeCommand => ({ verb: 'add', pins: p })), fc.integer({ min: 0, max: 10 }))),
        ([pins, command, allowed]) => {
          let result;
          try {
            result = buildPlan(command, { pins, allowed });
          } catch (error) {
            expect(error).toBeInstanceOf(PinbotError);
            expect(['NO_CHANGE', 'QUOTA_EXCEEDED', 'NOT_PINNED']).toContain((error as PinbotError).code);
            return;
          }
          expect(result.proposed.length).toBeLessThanOrEqual(allowed);
          const named = namedBy(command);
          if (command.verb !== 'set' && command.verb !== 'clear') {
            for (const pin of pins) {
              if (!named.has(pin.modelId)) expect(result.proposed).toContain(pin);
            }
          }
          expect(new Set(result.proposed.map((p) => p.modelId)).size).toBe(result.proposed.length);
          expect(result.diff).toEqual(diffLists(pins, result.proposed));
          expect(result.diff.length).toBeGreaterThan(0);
          expect(result.baseVersion).toBe(listVersion(pins));
        },
      ),
      { numRuns: 500 },
    );
  });
});
