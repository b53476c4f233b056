/**
 * The Hub model API part of the simulator: `GET /api/models/{repo_id}` and
 * `GET /api/models?search=…&limit=…` over a fixed catalogue (HUB.md has the real behaviour).
 *
 * Copied from the Hub: the field names and values read by pinbot, 404 with `X-Error-Code:
 * RepoNotFound` for a missing repository and for a private one the token cannot see, 403 with
 * `X-Error-Code: GatedRepo` for a gated one it may not use, search as a case-insensitive substring
 * of the id. ASSUMED: the `error` sentences, and that the catalogue's `accessible: false` applies
 * to every token.
 */

export interface HubModel {
  readonly id: string;
  readonly pipeline_tag?: string;
  readonly library_name?: string;
  readonly gated?: false | 'auto' | 'manual';
  readonly private?: boolean;
  readonly lastModified: string;
  readonly downloads?: number;
  /** `false`: no token has access (a private repo answers 404, a gated one 403). Default `true`. */
  readonly accessible?: boolean;
}

/**
 * The sandbox's Hub: the README's examples, some gated and private repositories, one without a
 * task, and near-miss neighbours so that typos get suggestions.
 */
export const HUB_CATALOGUE: readonly HubModel[] = [
  { id: 'gpt2', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2024-02-19T10:57:45.000Z', downloads: 9_000_000 },
  { id: 'openai-community/gpt2', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2024-02-19T10:57:45.000Z', downloads: 8_000_000 },
  { id: 'openai-community/gpt2-medium', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2024-02-19T11:00:12.000Z', downloads: 400_000 },
  {
    id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', pipeline_tag: 'text-classification', library_name: 'transformers',
    lastModified: '2023-12-19T16:29:37.000Z', downloads: 5_000_000,
  },
  { id: 'bigscience/bloom', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2023-07-28T17:50:20.000Z', downloads: 30_000 },
  { id: 'bigscience/bloomz', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2023-05-27T06:19:44.000Z', downloads: 8_000 },
  { id: 'bigscience/bloom-560m', pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2023-09-26T09:16:49.000Z', downloads: 600_000 },
  { id: 'bert-base-uncased', pipeline_tag: 'fill-mask', library_name: 'transformers', lastModified: '2024-02-19T11:06:12.000Z', downloads: 50_000_000 },
  { id: 'google-bert/bert-base-uncased', pipeline_tag: 'fill-mask', library_name: 'transformers', lastModified: '2024-02-19T11:06:12.000Z', downloads: 50_000_000 },
  { id: 'bert-base-cased', pipeline_tag: 'fill-mask', library_name: 'transformers', lastModified: '2024-02-19T11:02:26.000Z', downloads: 6_000_000 },
  { id: 'sentence-transformers/all-MiniLM-L6-v2', pipeline_tag: 'sentence-similarity', library_name: 'sentence-transformers', lastModified: '2024-11-01T10:26:30.000Z', downloads: 90_000_000 },
  { id: 'facebook/bart-large-cnn', pipeline_tag: 'summarization', library_name: 'transformers', lastModified: '2024-02-13T18:02:05.000Z', downloads: 3_000_000 },
  { id: 'openai/whisper-small', pipeline_tag: 'automatic-speech-recognition', library_name: 'transformers', lastModified: '2024-02-29T10:57:38.000Z', downloads: 2_000_000 },
  { id: 'google/gemma-2b', pipeline_tag: 'text-generation', library_name: 'transformers', gated: 'manual', lastModified: '2024-08-14T08:36:20.000Z', downloads: 200_000 },
  { id: 'google/gemma-2b-it', pipeline_tag: 'text-generation', library_name: 'transformers', gated: 'manual', lastModified: '2024-08-14T08:36:19.000Z', downloads: 150_000 },
  {
    id: 'meta-llama/Llama-2-7b-hf', pipeline_tag: 'text-generation', library_name: 'transformers', gated: 'manual', accessible: false,
    lastModified: '2024-04-17T08:40:48.000Z', downloads: 1_000_000,
  },
  // The repositories the endpoints sandbox's endpoints serve.
  { id: 'meta-llama/Llama-3.1-8B-Instruct', pipeline_tag: 'text-generation', library_name: 'transformers', gated: 'manual', lastModified: '2024-09-25T17:00:57.000Z', downloads: 5_000_000 },
  { id: 'BAAI/bge-small-en-v1.5', pipeline_tag: 'feature-extraction', library_name: 'sentence-transformers', lastModified: '2024-02-22T03:36:23.000Z', downloads: 4_000_000 },
  { id: 'sandbox-org/private-classifier', pipeline_tag: 'text-classification', library_name: 'transformers', private: true, lastModified: '2026-10-02T09:00:00.000Z' },
  { id: 'other-org/secret-model', pipeline_tag: 'text-generation', library_name: 'transformers', private: true, accessible: false, lastModified: '2026-09-01T12:00:00.000Z' },
  { id: 'sandbox-org/raw-checkpoints', library_name: 'pytorch', lastModified: '2026-08-20T15:30:00.000Z' },
];

export interface HubAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export const HUB_MODELS_PATH = '/api/models';

export function isHubPath(path: string): boolean {
  return path === HUB_MODELS_PATH || path.startsWith(`${HUB_MODELS_PATH}/`);
}

/**
 * The Hub's answer to one GET under `/api/models`. Any id in `openNamespaces` is a public
 * text-generation model, for load tests whose ids are generated.
 */
export function hubAnswer(models: readonly HubModel[], path: string, query: URLSearchParams, openNamespaces: readonly string[] = []): HubAnswer {
  if (path === HUB_MODELS_PATH) return search(models, query);
  let id: string;
  try {
    id = path.slice(HUB_MODELS_PATH.length + 1).split('/').map(decodeURIComponent).join('/');
  } catch {
    return notFound();
  }
  const open = openNamespaces.some((namespace) => id.startsWith(`${namespace}/`));
  const model = models.find((candidate) => candidate.id === id)
    ?? (open ? { id, pipeline_tag: 'text-generation', library_name: 'transformers', lastModified: '2026-01-01T00:00:00.000Z' } : undefined);
  if (!model || (model.private === true && model.accessible === false)) return notFound();
  if (model.gated && model.accessible === false) {
    return {
      status: 403,
      body: { error: `Access to model ${id} is restricted. You must have access to it and be authenticated to access it.` },
      headers: { 'x-error-code': 'GatedRepo' },
    };
  }
  return { status: 200, body: infoOf(model) };
}

function search(models: readonly HubModel[], query: URLSearchParams): HubAnswer {
  const term = (query.get('search') ?? '').toLowerCase();
  const limit = Math.max(1, Math.min(1000, Number(query.get('limit') ?? '') || 1000));
  const matches = models
    .filter((model) => !(model.private === true && model.accessible === false) && model.id.toLowerCase().includes(term))
    .sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0))
    .slice(0, limit)
    .map(infoOf);
  return { status: 200, body: matches };
}

function infoOf(model: HubModel): Record<string, unknown> {
  return {
    _id: `sim-${model.id}`,
    id: model.id,
    modelId: model.id,
    private: model.private === true,
    gated: model.gated ?? false,
    ...(model.pipeline_tag !== undefined ? { pipeline_tag: model.pipeline_tag } : {}),
    ...(model.library_name !== undefined ? { library_name: model.library_name } : {}),
    downloads: model.downloads ?? 0,
    likes: 0,
    tags: model.library_name !== undefined ? [model.library_name] : [],
    lastModified: model.lastModified,
  };
}

function notFound(): HubAnswer {
  return { status: 404, body: { error: 'Repository not found' }, headers: { 'x-error-code': 'RepoNotFound' } };
}
