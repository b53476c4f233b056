/**
 * What pinbot knows of how much a scope's entries were used and what they cost over a period:
 * hourly request counts kept from samples of the backend's counters, and the hours each entry was
 * kept ready. Built by the usage service from the store; drawn as a table, a sparkline or a chart.
 */

/** The periods `usage` answers for. */
export const USAGE_PERIODS = ['24h', '7d', '30d'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/** HTTP status classes requests are counted by. */
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

/** One entry's requests in one hour, by status class, with the latency quantiles where given. */
export interface UsageHour {
  /** Start of the hour, epoch ms (UTC). */
  readonly hour: number;
  readonly requests: Readonly<Record<StatusClass, number>>;
  /** Seconds, from the last sample of the hour that gave them. */
  readonly latency?: { readonly p50?: number; readonly p90?: number; readonly p99?: number };
}

/** A stretch of time during which an entry was kept ready (warm), for the chart's shading and the cost. */
export interface ReadyPeriod {
  readonly from: number;
  readonly to: number;
}

/** An entry's requests in one hour of a report, all status classes together. */
export interface ReportedHour {
  /** Start of the hour, epoch ms (UTC). */
  readonly hour: number;
  readonly requests: number;
  /** Whether any sample covered it; an hour without one is not "no requests" but not measured. */
  readonly sampled: boolean;
}

export interface EntryUsage {
  readonly entry: string;
  /** Every hour of the period, oldest first; hours with no sample have zero requests and `sampled: false`. */
  readonly hours: readonly ReportedHour[];
  readonly requests: number;
  /** 4xx and 5xx over all requests; undefined when there were none. */
  readonly errorShare?: number;
  readonly ready: readonly ReadyPeriod[];
  /** What keeping it ready cost over the period, USD; undefined when its price is unknown. */
  readonly cost?: number;
  /** USD per 1,000 requests, where both are known and there were requests. */
  readonly costPer1000?: number;
}

/** The entries a report does not list one by one, added up. */
export interface OtherEntriesUsage {
  readonly count: number;
  readonly requests: number;
  readonly errorShare?: number;
  /** Hours kept ready, all of them together. */
  readonly readyHours: number;
  /** What keeping them ready cost, USD; undefined when the price of one kept ready is unknown. */
  readonly cost?: number;
}

export type UsageReport =
  | {
    readonly kind: 'report';
    readonly scope: string;
    readonly period: UsagePeriod;
    readonly from: number;
    readonly to: number;
    /** The entries listed one by one: those that cost most over the period, then the busiest. */
    readonly entries: readonly EntryUsage[];
    /** The scope's other entries, when it has more than a report lists. */
    readonly others?: OtherEntriesUsage;
    /** Set when the hours shown were made up for the sandbox's demonstration, so nobody reads them as real. */
    readonly simulated?: boolean;
  }
  /** No usage to show, and why, in one sentence: the backend has no usage source, or the account may not read it. */
  | { readonly kind: 'unavailable'; readonly scope: string; readonly reason: string };

/** A period's length in hours. */
export const PERIOD_HOURS: Readonly<Record<UsagePeriod, number>> = { '24h': 24, '7d': 168, '30d': 720 };

export function isUsagePeriod(word: string): word is UsagePeriod {
  return (USAGE_PERIODS as readonly string[]).includes(word);
}

export const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

/** The class of an HTTP status code; informational and unknown codes count with none. */
export function statusClassOf(code: number): StatusClass | undefined {
  if (code >= 200 && code < 300) return '2xx';
  if (code >= 300 && code < 400) return '3xx';
  if (code >= 400 && code < 500) return '4xx';
  if (code >= 500 && code < 600) return '5xx';
  return undefined;
}

/** No requests in any class. */
export const NO_REQUESTS: Readonly<Record<StatusClass, number>> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };

/** Two counts by class, added class by class. */
export function addRequests(a: Readonly<Record<StatusClass, number>>, b: Readonly<Record<StatusClass, number>>): Record<StatusClass, number> {
  return { '2xx': a['2xx'] + b['2xx'], '3xx': a['3xx'] + b['3xx'], '4xx': a['4xx'] + b['4xx'], '5xx': a['5xx'] + b['5xx'] };
}

/** All classes together. */
export function totalRequests(requests: Readonly<Record<StatusClass, number>>): number {
  return requests['2xx'] + requests['3xx'] + requests['4xx'] + requests['5xx'];
}

export type Latency = NonNullable<UsageHour['latency']>;

/**
 * One counter as the backend reads it now: requests answered by one serving instance with one
 * status (of `status`'s class) since that instance started. Instances come and go and restart
 * from zero. `series` tells apart counters of one instance and class (the status code): each is
 * compared with its own last value, as Prometheus does, since a restart can leave the sum of a
 * class higher than before. Counters kept before it was given have none.
 */
export interface UsageCounter {
  readonly instance: string;
  readonly status: StatusClass;
  readonly series?: string;
  readonly value: number;
}

/** A point-in-time reading of one entry's counters, with the latency quantiles when the backend gives them. */
export interface UsageSample {
  readonly counters: readonly UsageCounter[];
  readonly latency?: Latency;
}

/** What a backend answers when asked for one entry's counters. */
export type UsageReading =
  | { readonly kind: 'sample'; readonly sample: UsageSample }
  /** The account may not read usage (its plan has none): one sentence saying so. */
  | { readonly kind: 'denied'; readonly reason: string };
