import type { HfErrorDetails } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';

/** The refusals only an Inference Endpoints scope gives, added to the core's codes. */
declare module '../../core/domain/errors.ts' {
  interface ErrorDetails {
    /** A name that is neither an endpoint nor the repository of one. */
    UNKNOWN_ENDPOINT: { name: string; known: string[] };
    /** A repository served by several endpoints. */
    AMBIGUOUS_REPOSITORY: { repository: string; endpoints: string[] };
    REPLICAS_OUT_OF_RANGE: { name: string; requested: number; max: number };
    /** The change would keep more endpoints warm than `max_warm`. */
    MAX_WARM_EXCEEDED: { allowed: number; requested: number; current: Pin[] };
    NOT_WARM: { names: string[]; current: Pin[] };
    /** The warm set would cost more per hour, at minimum replicas, than `max_cost_per_hour` (USD). */
    MAX_COST_EXCEEDED: { allowed: number; requested: number; warm: string[] };
    /** `max_cost_per_hour` is set and a price the check needs is unknown. */
    COST_UNKNOWN: { allowed: number; unpriced: string[] };
    /** The Endpoints API does not know this endpoint (HTTP 404). */
    HF_UNKNOWN_ENDPOINT: HfErrorDetails & { name?: string };
  }
}
