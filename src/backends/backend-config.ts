import { z } from 'zod';

/**
 * One backend's part of a scope in PINBOT_CONFIG: the value of `backend:` that picks it, the keys
 * it adds to the scope, and the typed settings those keys make.
 */
export interface BackendConfig<Id extends string, Settings extends { readonly kind: Id }> {
  readonly id: Id;
  /** Its own keys, each with its rule, as the scope writes them. */
  readonly keys: z.ZodObject<z.ZodRawShape>;
  /** `backend: <id>` and exactly its own keys in, its typed settings out: one option of the union on `backend`. */
  readonly section: z.ZodPipe<z.ZodObject<z.ZodRawShape, z.core.$strict>, z.ZodTransform<Settings>>;
}

/** Settings are named by the same word that picks the backend, so the two cannot drift apart. */
export function backendConfig<const Id extends string, Shape extends z.ZodRawShape, Settings extends { readonly kind: Id }>(
  id: Id,
  keys: z.ZodObject<Shape>,
  settings: (section: z.output<z.ZodObject<Shape>>) => Settings,
): BackendConfig<Id, Settings> {
  const section = keys.extend({ backend: z.literal(id) }).strict();
  // Read again through its own keys alone, which drops `backend` and gives the section its type.
  return { id, keys, section: section.transform((accepted) => settings(keys.parse(accepted))) };
}
