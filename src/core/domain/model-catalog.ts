/**
 * The Hugging Face Hub's model API, as the core needs it to check a model before proposing it.
 * Backend-neutral: it takes model repository ids, whichever backend a change will write to.
 */

/** What the Hub reports about a model repository the scope's token can see. */
export interface ModelFacts {
  /** `pipeline_tag`: the inference task; absent when the repository declares none. */
  readonly task?: string;
  /** `library_name`, e.g. `transformers`. */
  readonly library?: string;
  /** `false`, or how access is granted: `auto` or `manual`. */
  readonly gated: false | 'auto' | 'manual';
  readonly private: boolean;
  /** `lastModified`: ISO time of the last commit. */
  readonly lastModified?: string;
}

export type ModelLookup =
  | { readonly kind: 'found'; readonly facts: ModelFacts }
  /** Missing, or private and invisible to the token: the Hub answers both alike. */
  | { readonly kind: 'not-found'; readonly suggestions: readonly string[] }
  /** Gated, and the token has not been granted access. */
  | { readonly kind: 'gated-denied' }
  /** No usable answer (network, timeout, 5xx, unexpected body): says nothing about the model. */
  | { readonly kind: 'unreachable'; readonly reason: string };

/** Bound to one scope's token. Never rejects: every failure is an `unreachable` lookup. */
export interface ModelCatalog {
  lookUp(modelId: string): Promise<ModelLookup>;
}

/** What a pending proposal's card shows per model the change adds or moves. */
export type HubCheck =
  | { readonly modelId: string; readonly kind: 'found'; readonly facts: ModelFacts }
  | { readonly modelId: string; readonly kind: 'unchecked' };

/** Why a model was refused before any card was shown. */
export type HubProblem =
  | { readonly modelId: string; readonly kind: 'not-found'; readonly suggestions: readonly string[] }
  | { readonly modelId: string; readonly kind: 'gated-denied' };
