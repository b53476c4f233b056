import { z } from 'zod';

/**
 * Shapes of the classic Inference API answers (notes/hf-api.md). Objects are loose: fields the
 * API adds later must survive a read → write round trip, so nothing unknown is stripped.
 */

/** One entry of `pinned_models`. `compute_type` is any string: unknown values are kept as read. */
export const pinnedModelEntrySchema = z.looseObject({
  model_id: z.string().min(1),
  compute_type: z.string(),
});
export type PinnedModelEntry = z.infer<typeof pinnedModelEntrySchema>;

/** `GET /usage/pinned_models` */
export const pinnedModelsResponseSchema = z.looseObject({
  pinned_models: z.array(pinnedModelEntrySchema),
  allowed_pinned_models: z.number().int().nonnegative(),
});
export type PinnedModelsResponse = z.infer<typeof pinnedModelsResponseSchema>;

/** `POST /usage/pinned_models`: the early docs answer `{ok}`, the later Python example echoes the list. */
export const pinWriteResponseSchema = z.looseObject({
  ok: z.string(),
  pinned_models: z.array(pinnedModelEntrySchema).optional(),
});
export type PinWriteResponse = z.infer<typeof pinWriteResponseSchema>;

/** `GET /status/{model_id}`. `compute_type` is `"cpu"` or, since 2024, `{gpu: {gpu, count}}`: opaque. */
export const modelStatusResponseSchema = z.looseObject({
  loaded: z.boolean(),
  state: z.string(),
  compute_type: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  framework: z.string().optional(),
});
export type ModelStatusResponse = z.infer<typeof modelStatusResponseSchema>;

/** Error envelope. `error` may be a list (pydantic validation errors in the inference containers). */
export const errorEnvelopeSchema = z.looseObject({
  error: z.union([z.string(), z.array(z.string())]),
  estimated_time: z.number().optional(),
  error_type: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** The envelope's text as one string, a list joined with "; ". */
export function errorText(envelope: ErrorEnvelope): string {
  return typeof envelope.error === 'string' ? envelope.error : envelope.error.join('; ');
}
