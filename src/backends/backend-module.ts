import type { BackendWords, ScopeBackend } from '../core/backend.ts';
import type { Logger, Metrics } from '../core/ports.ts';
import type { BackendConfig } from './backend-config.ts';

/** Where and as whom a scope's backend talks to Hugging Face. */
export interface Connection {
  /** The classic Inference API (`HF_API_URL`). */
  readonly inferenceApiUrl: string;
  /** The Inference Endpoints API (`HF_ENDPOINTS_API_URL`). */
  readonly endpointsApiUrl: string;
  readonly token: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Removes every configured secret from text an API sent back before it is quoted. */
  readonly scrub: (text: string) => string;
}

/**
 * Everything pinbot knows of one backend, from its folder: its part of a scope's configuration,
 * its words, and how a scope's backend is built from its settings. The registry lists these.
 */
export interface BackendModule<Id extends string, Settings extends { readonly kind: Id }> {
  readonly config: BackendConfig<Id, Settings>;
  readonly words: BackendWords;
  create(settings: Settings, connection: Connection): ScopeBackend;
}
