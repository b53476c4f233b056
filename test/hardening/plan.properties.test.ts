import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeCommand, RequestedPin } from '../../src/core/domain/command.ts';
import { PinbotError } from '../../src/core/domain/errors.ts';
import type { Pin } from '../../src/core/domain/pin.ts';
import { buildPlan, listVersion } from '../../src/backends/classic/plan.ts';

// Extends the invariants in test/core/plan.test.ts (untouched entries kept, quota, exact diff) with
// what it does not cover: version stability, `set` keeping entries as read, refusing over quota
// exactly when the list would not fit, determinism, and a written plan being a fixed point.

const modelId = fc.stringMatching(/^[a-z][a-z0-9]{0,4}(\/[a-z][a-z0-9]{0,4})?$/);
const wirePins = fc
  .uniqueArray(
    fc.record({
      modelId,
      computeType: fc.constantFrom('cpu', 'gpu', 'tpu-v5'),
      extra: fc.option(fc.dictionary(fc.constantFrom('region', 'replicas', 'note'), fc.oneof(fc.integer(), fc.string({ maxLength: 4 }))), { nil: undefined }),
    }),
    { selector: (entry) => entry.modelId, maxLength: 8 },
  )
  .map((entries): Pin[] => entries.map((e) => ({
    modelId: e.modelId,
    computeType: e.computeType,
    wire: { ...(e.extra ?? {}), model_id: e.modelId, compute_type: e.computeType },
  })));
const requested = fc.uniqueArray(fc.record({ modelId, computeType: fc.constantFrom('cpu', 'gpu') }), {
  selector: (p) => p.modelId, minLength: 1, maxLength: 5,
}) as fc.Arbitrary<RequestedPin[]>;
const change = (pins: readonly Pin[]): fc.Arbitrary<ChangeCommand> => {
  const ids = pins.map((p) => p.modelId);
  return fc.oneof(
    requested.map((p): ChangeCommand => ({ verb: 'add', pins: p })),
    requested.map((p): ChangeCommand => ({ verb: 'set', pins: p })),
    ...(ids.length > 0
      ? [
          fc.subarray(ids, { minLength: 1 }).map((modelIds): ChangeCommand => ({ verb: 'remove', modelIds })),
          fc.tuple(fc.subarray(ids, { minLength: 1 }), fc.constantFrom('cpu', 'gpu')).map(([modelIds, computeType]): ChangeCommand => ({ verb: 'compute', modelIds, computeType })),
        ]
      : []),
    fc.constant<ChangeCommand>({ verb: 'clear' }),
  );
};
const scenario = wirePins.chain((pins) => fc.tuple(fc.constant(pins), change(pins), fc.integer({ min: 0, max: 12 })));

function attempt(command: ChangeCommand, pins: readonly Pin[], allowed: number) {
  try {
    return { plan: buildPlan(command, { pins, allowed }) };
  } catch (error) {
    if (!(error instanceof PinbotError)) throw error;
    return { error };
  }
}

describe('plan versions (property-based)', () => {
  it('are stable under reordering and copying, and change when any entry changes', () => {
    fc.assert(
      fc.property(wirePins, fc.infiniteStream(fc.nat()), (pins, noise) => {
        const shuffled = [...pins].map((pin) => ({ pin, key: noise.next().value })).sort((a, b) => a.key - b.key).map(({ pin }) => structuredClone(pin));
        expect(listVersion(shuffled)).toBe(listVersion(pins));
        if (pins.length > 0) {
          const [first, ...rest] = pins as [Pin, ...Pin[]];
          const altered: Pin = { ...first, wire: { ...first.wire, model_id: first.modelId, compute_type: first.computeType, replicas: 99_999 } };
          expect(listVersion([altered, ...rest])).not.toBe(listVersion(pins));
          expect(listVersion(rest)).not.toBe(listVersion(pins));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a plan carries the version of the list it was built on, and the proposed list has another', () => {
    fc.assert(
      fc.property(scenario, ([pins, command, allowed]) => {
        const { plan } = attempt(command, pins, allowed);
        if (!plan) return;
        expect(plan.baseVersion).toBe(listVersion(pins));
        expect(listVersion(plan.proposed)).not.toBe(plan.baseVersion);
      }),
      { numRuns: 500 },
    );
  });
});

describe('plans (property-based)', () => {
  it('refuse for quota exactly when the proposed list would not fit', () => {
    fc.assert(
      fc.property(scenario, ([pins, command, allowed]) => {
        const unlimited = attempt(command, pins, Number.MAX_SAFE_INTEGER);
        const limited = attempt(command, pins, allowed);
        if (!unlimited.plan) {
          expect(limited.error?.code).toBe(unlimited.error?.code);
          return;
        }
        const fits = unlimited.plan.proposed.length <= allowed || unlimited.plan.proposed.length === 0;
        if (fits) expect(limited.plan?.proposed).toEqual(unlimited.plan.proposed);
        else expect(limited.error?.code).toBe('QUOTA_EXCEEDED');
      }),
      { numRuns: 800 },
    );
  });

  it('`set` keeps every entry that stays on its compute type exactly as it was read, extra fields included', () => {
    fc.assert(
      fc.property(wirePins, requested, (pins, wanted) => {
        const { plan } = attempt({ verb: 'set', pins: wanted }, pins, 100);
        if (!plan) return;
        for (const entry of plan.proposed) {
          const before = pins.find((pin) => pin.modelId === entry.modelId);
          if (before && before.computeType === entry.computeType) expect(entry).toEqual(before);
        }
        expect(plan.proposed.map((p) => p.modelId)).toEqual(wanted.map((p) => p.modelId));
      }),
      { numRuns: 500 },
    );
  });

  it('are deterministic and do not modify the list they were given', () => {
    fc.assert(
      fc.property(scenario, ([pins, command, allowed]) => {
        const snapshot = structuredClone(pins);
        const first = attempt(command, pins, allowed);
        const second = attempt(command, pins, allowed);
        expect(pins).toEqual(snapshot);
        expect(second.plan).toEqual(first.plan);
        expect(second.error?.message).toBe(first.error?.message);
      }),
      { numRuns: 500 },
    );
  });

  it('once written, the same add, set or compute again is NO_CHANGE: an applied plan is a fixed point', () => {
    fc.assert(
      fc.property(scenario, ([pins, command, allowed]) => {
        const { plan } = attempt(command, pins, allowed);
        if (!plan || command.verb === 'remove') return;
        const again = attempt(command, plan.proposed, allowed);
        expect(again.error?.code).toBe('NO_CHANGE');
      }),
      { numRuns: 800 },
    );
  });
});
