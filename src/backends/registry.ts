import type { z } from 'zod';
import type { ScopeBackend, WordsOf } from '../core/backend.ts';
import type { Connection } from './backend-module.ts';
import { classic } from './classic/index.ts';
import { endpoints } from './endpoints/index.ts';

/**
 * Every backend pinbot has, one line each, by the name that `backend:` in PINBOT_CONFIG and
 * stored proposals use. A new backend is a folder like these and a line here (docs/adding-a-backend.md).
 */
export const BACKENDS = [classic, endpoints] as const;

type Registered = (typeof BACKENDS)[number];

/** Each backend's part of a scope's configuration, for the union on `backend`. */
export const backendConfigs: readonly Registered['config'][] = BACKENDS.map((backend) => backend.config);

/** What a scope's backend section says, typed per backend: `{ kind: 'classic' } | { kind: 'endpoints'; namespace; maxWarm }`. */
export type BackendSettings = z.output<Registered['config']['section']>;

/**
 * A backend's words by its name. A proposal stored by a version of pinbot that had a backend this
 * one lacks is drawn in the first backend's words rather than not at all.
 */
export const wordsOf: WordsOf = (kind) => (BACKENDS.find((backend) => backend.config.id === kind) ?? classic).words;

/** The backend of one scope, built from its settings. */
export function createBackend(settings: BackendSettings, connection: Connection): ScopeBackend {
  const backend = BACKENDS.find((candidate) => candidate.config.id === settings.kind);
  if (backend === undefined) throw new Error(`no backend named ${settings.kind}`);
  // Found by the kind its own settings carry, so these settings are the ones it takes; TypeScript
  // cannot follow that link through `find`, hence the one widening here.
  const create = backend.create as (own: BackendSettings, on: Connection) => ScopeBackend;
  return create(settings, connection);
}
