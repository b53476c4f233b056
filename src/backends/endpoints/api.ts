import type { LiveState } from '../../core/backend.ts';
import type { ModelStatus } from '../../core/ports.ts';
import type { HardwareKey } from './hardware.ts';

/** One Inference Endpoint as pinbot reads it. */
export interface EndpointInfo {
  readonly name: string;
  /** The model repository it serves. */
  readonly repository: string;
  readonly minReplica: number;
  readonly maxReplica: number;
  /** Minutes idle before it scales to zero when `minReplica` is 0; undefined when unset. */
  readonly scaleToZeroTimeout?: number;
  /** `status.state`: `running`, `initializing`, `scaledToZero`, … kept as sent. */
  readonly state: string;
  /**
   * `status.updatedAt`. Whether it moves when an endpoint merely starts or scales to zero is not
   * documented, so nothing decides on it; it is shown, never compared.
   */
  readonly updatedAt: string;
  /** Accelerator, instance type and size, e.g. `gpu nvidia-a10g x1`. */
  readonly instance: string;
  /** Vendor, region and instance, when the answer gives all five; what its price is looked up by. */
  readonly hardware?: HardwareKey;
  /** USD per replica-hour, from the namespace's hardware catalogue; undefined when unknown (never guessed). */
  readonly pricePerHour?: number;
}

/**
 * A namespace as an endpoints scope sees it: every endpoint, warm or cold; `pins` are the warm
 * ones (see plan.ts) and `allowed` is the scope's `max_warm`.
 */
export interface NamespaceState extends LiveState {
  readonly endpoints: readonly EndpointInfo[];
  /** The scope's `max_cost_per_hour`, USD at minimum replicas, when it has one. */
  readonly maxCostPerHour?: number;
  /** No hardware catalogue could be read, so every price is unknown. */
  readonly catalogueUnread?: boolean;
}

/** The Inference Endpoints API of one namespace: read it, read one endpoint, set one endpoint's minimum replicas. */
export interface EndpointsApi {
  /**
   * The whole namespace, read now (one GET of the list): never shared with a read already in
   * flight, so what an apply sees under the lock was read under it.
   */
  readNamespace(): Promise<NamespaceState>;
  /** One endpoint, read on its own; `HF_UNKNOWN_ENDPOINT` when it no longer exists. */
  readEndpoint(name: string): Promise<EndpointInfo>;
  /**
   * Sets its `minReplica` (one PUT) with a scaling block valid by the rule that `minReplica` is 0
   * while scale-to-zero is on: a warm one has its timeout turned off; a cold one keeps its own
   * timeout, else gets `coldTimeout` (the one it had before it was made warm), else a default.
   */
  writeMinReplica(name: string, minReplica: number, current: EndpointInfo, coldTimeout?: number): Promise<EndpointInfo>;
}

/** What an endpoints scope's client offers: the namespace read shared by concurrent readers, status, and the writes. */
export interface EndpointsScopeApi {
  readPins(): Promise<NamespaceState>;
  modelStatus(name: string): Promise<ModelStatus>;
  readonly endpoints: EndpointsApi;
  /**
   * One endpoint's metrics now, as the OpenMetrics text the API serves (`GET …/open-metrics`);
   * a 403 or 404 is expected of a namespace whose plan has no metrics.
   */
  openMetrics(name: string): Promise<string>;
}
