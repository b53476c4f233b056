/** Compute types pinbot knows how to ask for. Entries read with any other value are kept verbatim. */
export const KNOWN_COMPUTE_TYPES = ['cpu', 'gpu'] as const;
export type ComputeType = (typeof KNOWN_COMPUTE_TYPES)[number];

export const DEFAULT_COMPUTE_TYPE: ComputeType = 'cpu';

/**
 * One entry a scope keeps ready: a pinned model, say. Its backend decides what the
 * fields hold.
 */
export interface Pin {
  /** The entry's name, such as a model id. */
  readonly modelId: string;
  /** Its setting as shown: a compute type (`cpu`, or whatever the API said), a number of instances. */
  readonly computeType: string;
  /**
   * The backend's own record of the entry: for a pinned model the entry exactly as the API
   * returned it (written back as is, so unknown fields survive the round trip); for other
   * backends their typed settings, which they validate when they read them.
   */
  readonly wire?: Readonly<Record<string, unknown>>;
}

export function isComputeType(value: string): value is ComputeType {
  return (KNOWN_COMPUTE_TYPES as readonly string[]).includes(value);
}
