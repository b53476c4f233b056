import type { Proposal } from '../../core/domain/proposal.ts';
import { text, type Line } from '../../core/domain/ui.ts';
import type { EndpointInfo, NamespaceState } from './api.ts';
import { HOURS_PER_MONTH, usd, usdRate, warmCostOf, type WarmCost } from './cost.ts';
import { warmCostChange } from './plan.ts';

/** What a missing price reads as, wherever an amount would be. */
export const PRICE_UNKNOWN = 'price unknown';

/**
 * The card's cost field: the warm cost before → after per hour and per 30-day month, at minimum
 * replicas (the floor) and at maximum (the ceiling), from the prices the proposal stored. An amount
 * whose prices are not all known reads "price unknown", and the field names the endpoints lacking one.
 */
export function warmCostField(proposal: Proposal): { label: string; value: Line } | undefined {
  const cost = warmCostChange(proposal);
  if (cost === undefined) return undefined;
  const { before, after } = cost;
  const change = (pick: (known: { floor: number; ceiling: number }) => number, hours: number) => `${amount(before, pick, hours)} → ${amount(after, pick, hours)}`;
  const floor = (known: { floor: number }) => known.floor;
  const ceiling = (known: { ceiling: number }) => known.ceiling;
  const unpriced = [...new Set([...unpricedOf(before), ...unpricedOf(after)])];
  return {
    label: 'Warm cost',
    value: [text(`per hour ${change(floor, 1)} at minimum replicas, up to ${change(ceiling, 1)} at maximum; `
      + `per 30-day month ${change(floor, HOURS_PER_MONTH)}, up to ${change(ceiling, HOURS_PER_MONTH)}`
      + (unpriced.length > 0 ? `; no price for ${unpriced.join(', ')}` : ''))],
  };
}

/** `list`'s note on one endpoint's cost: what it costs warm, or its price per replica-hour when cold. */
export function endpointCostText(endpoint: EndpointInfo): string {
  const price = endpoint.pricePerHour;
  if (price === undefined) return PRICE_UNKNOWN;
  if (endpoint.minReplica === 0) return `${usdRate(price)} per replica-hour`;
  const cost = warmCostOf([{ name: endpoint.name, min: endpoint.minReplica, max: endpoint.maxReplica, price }]);
  return cost.known ? `warm cost ${usd(cost.floor)} per hour, up to ${usd(cost.ceiling)} at max replicas (${usdRate(price)} per replica-hour)` : PRICE_UNKNOWN;
}

/** `list`'s total: the warm endpoints' cost per hour and per 30-day month, or why it cannot be given. */
export function warmTotalLine(list: NamespaceState): Line {
  const warm = list.endpoints.filter((endpoint) => endpoint.minReplica >= 1);
  const cost = warmCostOf(warm.map((endpoint) => ({
    name: endpoint.name, min: endpoint.minReplica, max: endpoint.maxReplica, ...(endpoint.pricePerHour !== undefined ? { price: endpoint.pricePerHour } : {}),
  })));
  const cap = list.maxCostPerHour !== undefined ? ` This scope's max_cost_per_hour is ${usd(list.maxCostPerHour)}.` : '';
  if (!cost.known) {
    const why = list.catalogueUnread === true
      ? 'the hardware catalogue, which holds the prices, could not be read'
      : `no price is known for ${cost.unpriced.join(', ')}`;
    return [text(`Warm cost: unknown, as ${why}; no total is given.${cap}`)];
  }
  return [text(`Warm cost: ${usd(cost.floor)} per hour at minimum replicas, up to ${usd(cost.ceiling)} at maximum; `
    + `${usd(cost.floor * HOURS_PER_MONTH)} to ${usd(cost.ceiling * HOURS_PER_MONTH)} per 30-day month.${cap}`)];
}

function amount(cost: WarmCost, pick: (known: { floor: number; ceiling: number }) => number, hours: number): string {
  return cost.known ? usd(pick(cost) * hours) : PRICE_UNKNOWN;
}

function unpricedOf(cost: WarmCost): readonly string[] {
  return cost.known ? [] : cost.unpriced;
}
