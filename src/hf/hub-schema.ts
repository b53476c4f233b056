import { z } from 'zod';

/**
 * Shapes of the Hugging Face Hub model API answers pinbot reads (see HUB.md for the sources).
 * Loose objects: the Hub sends many more fields, and only these are read.
 */

/** `GET /api/models/{repo_id}`. */
export const hubModelInfoSchema = z.looseObject({
  id: z.string().min(1),
  pipeline_tag: z.string().nullish(),
  library_name: z.string().nullish(),
  /** `false`, `"auto"` or `"manual"` (huggingface_hub `ModelInfo.gated`); other truthy values are read as gated. */
  gated: z.union([z.boolean(), z.string()]).nullish(),
  private: z.boolean().nullish(),
  lastModified: z.string().nullish(),
});
export type HubModelInfo = z.infer<typeof hubModelInfoSchema>;

/** `GET /api/models?search=…&limit=…`: an array of model summaries; only the ids are read. */
export const hubModelListSchema = z.array(z.looseObject({ id: z.string().min(1) }));
