import { z } from 'zod';

/**
 * Shapes of the Inference Endpoints API answers pinbot reads (NOTES.md), after
 * the fields `huggingface_hub`'s `InferenceEndpoint` reads. Objects are loose: pinbot sends only
 * the scaling it changes, so nothing else needs to survive a round trip, and new fields are fine.
 */

export const endpointSchema = z.looseObject({
  name: z.string().min(1),
  compute: z.looseObject({
    accelerator: z.string().optional(),
    instanceType: z.string().optional(),
    instanceSize: z.string().optional(),
    scaling: z.looseObject({
      minReplica: z.number().int().nonnegative(),
      maxReplica: z.number().int().nonnegative(),
      scaleToZeroTimeout: z.number().int().nullable().optional(),
    }),
    /** Not in the public client's reading; kept when an answer carries it. */
    pricePerHour: z.number().nonnegative().optional(),
  }),
  model: z.looseObject({ repository: z.string() }),
  status: z.looseObject({
    state: z.string(),
    updatedAt: z.string(),
  }),
});
export type EndpointWire = z.infer<typeof endpointSchema>;

/** `GET /endpoint/{namespace}` */
export const endpointListSchema = z.looseObject({ items: z.array(endpointSchema) });

/** Error bodies: `{"error": "..."}` assumed, `{"message": "..."}` tolerated. */
export const endpointsErrorSchema = z.union([
  z.looseObject({ error: z.string() }),
  z.looseObject({ message: z.string() }),
]);
