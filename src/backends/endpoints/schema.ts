import { z } from 'zod';

/**
 * Shapes of the Inference Endpoints API answers pinbot reads (NOTES.md), after
 * the fields `huggingface_hub`'s `InferenceEndpoint` reads. Objects are loose: pinbot sends only
 * the scaling it changes, so nothing else needs to survive a round trip, and new fields are fine.
 */

export const endpointSchema = z.looseObject({
  name: z.string().min(1),
  /** Where it runs; with the instance, what its price is looked up by in the hardware catalogue. */
  provider: z.looseObject({ vendor: z.string().optional(), region: z.string().optional() }).optional(),
  compute: z.looseObject({
    accelerator: z.string().optional(),
    instanceType: z.string().optional(),
    instanceSize: z.string().optional(),
    scaling: z.looseObject({
      minReplica: z.number().int().nonnegative(),
      maxReplica: z.number().int().nonnegative(),
      scaleToZeroTimeout: z.number().int().nullable().optional(),
    }),
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

/**
 * One instance of the hardware catalogue (`GET /provider/{namespace}`), after `huggingface_hub`'s
 * `InferenceEndpointHardware.from_raw`. `pricePerHour` is USD per replica-hour; an instance that
 * lacks it is unpriced rather than the whole catalogue refused.
 */
export const computeSchema = z.looseObject({
  id: z.string().optional(),
  accelerator: z.string(),
  instanceType: z.string(),
  instanceSize: z.string(),
  numAccelerators: z.number().optional(),
  status: z.string().optional(),
  pricePerHour: z.number().nonnegative().optional(),
  quota: z.looseObject({ maxAccelerators: z.number().optional(), usedAccelerators: z.number().optional() }).optional(),
});

/** `GET /provider/{namespace}`: vendors, each with regions, each with the instances it offers. */
export const hardwareCatalogueSchema = z.looseObject({
  vendors: z.array(z.looseObject({
    name: z.string(),
    regions: z.array(z.looseObject({
      name: z.string(),
      computes: z.array(computeSchema),
    })),
  })),
});
export type HardwareCatalogueWire = z.infer<typeof hardwareCatalogueSchema>;

/** Error bodies: `{"error": "..."}` assumed, `{"message": "..."}` tolerated. */
export const endpointsErrorSchema = z.union([
  z.looseObject({ error: z.string() }),
  z.looseObject({ message: z.string() }),
]);
