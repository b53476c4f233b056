import type { LiveState } from '../../core/backend.ts';
import type { Pin } from '../../core/domain/pin.ts';
import type { ModelStatus } from '../../core/ports.ts';

/** The live pinned list of one scope, as Hugging Face reports it: the pins and the plan's cap. */
export type PinnedList = LiveState;

export interface WriteAnswer {
  /** Hugging Face's `ok` text, e.g. "Pinned 2 models, please wait while we load them." */
  readonly message: string;
  /** The list echoed back, when the API echoes it. */
  readonly pins?: readonly Pin[];
}

/** The classic Inference API's pinned models, bound to one scope's token. */
export interface PinnedModelsApi {
  readPins(): Promise<PinnedList>;
  writePins(pins: readonly Pin[]): Promise<WriteAnswer>;
  modelStatus(modelId: string): Promise<ModelStatus>;
}
