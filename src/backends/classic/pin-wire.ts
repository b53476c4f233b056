import type { ComputeType, Pin } from '../../core/domain/pin.ts';

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
