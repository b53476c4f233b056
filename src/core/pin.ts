/** Compute types pinbot knows how to ask for. Entries read with any other value are kept verbatim. */
export const KNOWN_COMPUTE_TYPES = ['cpu', 'gpu'] as const;
export type ComputeType = (typeof KNOWN_COMPUTE_TYPES)[number];

export const DEFAULT_COMPUTE_TYPE: ComputeType = 'cpu';

/** One pinned model. */
export interface Pin {
  readonly modelId: string;
  /** `cpu` or `gpu` for anything pinbot writes; whatever the API said for entries it read. */
  readonly computeType: string;
  /**
   * The entry exactly as the API returned it. An entry a change does not name is written back
   * as this object, so unknown compute types and extra fields survive the round trip.
   */
  readonly wire?: Readonly<Record<string, unknown>>;
}

export function isComputeType(value: string): value is ComputeType {
  return (KNOWN_COMPUTE_TYPES as readonly string[]).includes(value);
}

/** The JSON object sent to Hugging Face for this pin. */
export function pinToWire(pin: Pin): Record<string, unknown> {
  if (pin.wire && pin.wire['model_id'] === pin.modelId && pin.wire['compute_type'] === pin.computeType) {
    return { ...pin.wire };
  }
  return { ...pin.wire, model_id: pin.modelId, compute_type: pin.computeType };
}

export function withComputeType(pin: Pin, computeType: ComputeType): Pin {
  return { modelId: pin.modelId, computeType, ...(pin.wire ? { wire: { ...pin.wire, compute_type: computeType } } : {}) };
}
