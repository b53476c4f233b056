import type { EndpointInfo } from './api.ts';

/**
 * What warm endpoints cost. An endpoint is billed per minute while it is initializing or running
 * (Inference Endpoints pricing docs), at its hardware's price per replica-hour: a warm one costs at
 * least its minimum replicas (the floor) and at most its maximum replicas (the ceiling). A cost
 * with any price missing is unknown as a whole, never a partial sum.
 */

/** A 30-day month, in hours: the month the cards and `list` speak of. */
export const HOURS_PER_MONTH = 30 * 24;

/** One warm endpoint as the cost counts it. */
export interface WarmReplicas {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** USD per replica-hour; undefined when unknown. */
  readonly price?: number;
}

/** The hourly cost of a warm set, or which endpoints lack a price. */
export type WarmCost =
  | { readonly known: true; readonly floor: number; readonly ceiling: number }
  | { readonly known: false; readonly unpriced: readonly string[] };

export function warmCostOf(warm: readonly WarmReplicas[]): WarmCost {
  const unpriced = warm.filter((endpoint) => endpoint.price === undefined).map((endpoint) => endpoint.name);
  if (unpriced.length > 0) return { known: false, unpriced };
  return {
    known: true,
    floor: warm.reduce((sum, endpoint) => sum + endpoint.min * (endpoint.price ?? 0), 0),
    ceiling: warm.reduce((sum, endpoint) => sum + Math.max(endpoint.min, endpoint.max) * (endpoint.price ?? 0), 0),
  };
}

/** A warm endpoint by name and minimum replicas, as a warm set lists them. */
export interface WarmSetting {
  readonly name: string;
  readonly minReplica: number;
}

/** The warm set `warm` with the maximum replicas and price its endpoints have in `endpoints`. */
export function warmReplicas(warm: readonly WarmSetting[], endpoints: readonly EndpointInfo[]): WarmReplicas[] {
  return warm.map(({ name, minReplica }) => {
    const endpoint = endpoints.find((candidate) => candidate.name === name);
    return { name, min: minReplica, max: endpoint?.maxReplica ?? minReplica, ...(endpoint?.pricePerHour !== undefined ? { price: endpoint.pricePerHour } : {}) };
  });
}

/** Whether going from `before` to `after` gives any endpoint more minimum replicas than it has: only such a change can raise the floor. */
export function addsReplicas(before: readonly WarmSetting[], after: readonly WarmSetting[]): boolean {
  const had = new Map(before.map((warm) => [warm.name, warm.minReplica]));
  return after.some((warm) => warm.minReplica > (had.get(warm.name) ?? 0));
}

/** `$1,296.00`: an amount, to the cent. */
export function usd(amount: number): string {
  const [whole = '0', cents = '00'] = amount.toFixed(2).split('.');
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** `$0.033`: a price per replica-hour, to the tenth of a cent when it has one, as the price list shows them. */
export function usdRate(price: number): string {
  const cents = price.toFixed(2);
  return Number(cents) === Number(price.toFixed(3)) ? `$${cents}` : `$${price.toFixed(3)}`;
}
