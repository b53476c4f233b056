import { PinbotError } from '../../core/domain/errors.ts';
import type { EndpointInfo } from './api.ts';
import { addsReplicas, usd, warmCostOf, warmReplicas, type WarmSetting } from './cost.ts';
import './errors.ts';
import { describeHardware } from './hardware.ts';

/** The scope's `max_cost_per_hour` and the namespace the cost is read from. */
export interface CostCapCheck {
  /** The cap, USD per hour at minimum replicas; no check without one. */
  readonly cap: number | undefined;
  readonly endpoints: readonly EndpointInfo[];
  /** No hardware catalogue could be read, so no price is known. */
  readonly catalogueUnread?: boolean;
  /** The warm set now, and as the change leaves it. */
  readonly before: readonly WarmSetting[];
  readonly after: readonly WarmSetting[];
}

/**
 * Why a change may not be made under the scope's `max_cost_per_hour`, or undefined when it may:
 * the floor cost per hour of the warm set it leaves is over the cap, or a price it needs is
 * unknown. A change that gives no endpoint more minimum replicas cannot raise the floor and is
 * never refused, so letting endpoints go cold is always possible, even with prices unknown.
 * `stage` says whether nothing was proposed or nothing was written.
 */
export function costCapRefusal(check: CostCapCheck, stage: 'propose' | 'apply'): PinbotError | undefined {
  const { cap, before, after } = check;
  if (cap === undefined || !addsReplicas(before, after)) return undefined;
  const nothing = stage === 'propose' ? 'Nothing was proposed.' : 'Nothing was written.';
  const cost = warmCostOf(warmReplicas(after, check.endpoints));
  if (!cost.known) {
    return new PinbotError(
      'COST_UNKNOWN',
      `The cost of this change cannot be checked against this scope's max_cost_per_hour of ${usd(cap)}: ${missingPrices(cost.unpriced, check)}. ${nothing}`,
      { allowed: cap, unpriced: [...cost.unpriced] },
    );
  }
  if (cost.floor <= cap + 1e-9) return undefined;
  const names = (warm: readonly WarmSetting[]) => (warm.length === 0 ? 'none' : warm.map((setting) => setting.name).join(', '));
  // At approval the warm set may have moved since the proposal: say what it is now.
  const subject = stage === 'apply'
    ? `With the endpoints warm now (${names(before)}), this change would make the warm endpoints (${names(after)}) cost`
    : `With this change the warm endpoints (${names(after)}) would cost`;
  return new PinbotError(
    'MAX_COST_EXCEEDED',
    `${subject} ${usd(cost.floor)} per hour at minimum replicas; this scope's max_cost_per_hour is ${usd(cap)}. ${nothing}`,
    { allowed: cap, requested: cost.floor, warm: after.map((setting) => setting.name) },
  );
}

/** `no price is known for embedder (aws us-east-1 cpu intel-spr x2)`, or that the catalogue could not be read. */
function missingPrices(unpriced: readonly string[], check: CostCapCheck): string {
  if (check.catalogueUnread === true) return 'the hardware catalogue, which holds the prices, could not be read';
  const described = unpriced.map((name) => {
    const hardware = check.endpoints.find((endpoint) => endpoint.name === name)?.hardware;
    return hardware === undefined ? `${name} (its vendor, region or instance is not given)` : `${name} (${describeHardware(hardware)})`;
  });
  return `no price is known for ${described.join(', ')}`;
}
