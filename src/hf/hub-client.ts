import type { ModelCatalog, ModelFacts, ModelLookup } from '../core/domain/model-catalog.ts';
import { closestIds } from '../core/domain/close-ids.ts';
import { silentLogger, type Logger, type Metrics } from '../core/ports.ts';
import { hubModelInfoSchema, hubModelListSchema, type HubModelInfo } from './hub-schema.ts';
import { createTransport } from './request-core.ts';
import { parseBaseUrl } from './transport.ts';

export const DEFAULT_HF_HUB_URL = 'https://huggingface.co';

export interface HubClientOptions {
  /** e.g. `https://huggingface.co`; a path prefix is kept. */
  readonly baseUrl: string;
  /** The scope's token: private and gated repositories answer as that token sees them. */
  readonly token: string;
  /** A lookup (and, separately, its suggestion searches) that takes longer gives up: the model is unchecked. */
  readonly timeoutMs?: number;
  /** How many search results are ranked for suggestions. */
  readonly searchLimit?: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export type HubClient = ModelCatalog & { close(): Promise<void> };

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_SEARCH_LIMIT = 20;
/** huggingface_hub keeps this 401 as an auth failure, not a missing repository (utils/_http.py). */
const BAD_CREDENTIALS = 'Invalid credentials in Authorization header';

type Answer = { readonly status: number; readonly text: string; readonly errorCode?: string; readonly location?: string } | { readonly failed: string };

const REDIRECTS = new Set([301, 302, 307, 308]);

/**
 * Looks models up on the Hub with one GET each, no retries: a slow or failing Hub only leaves the
 * model unchecked on the card, so waiting longer would buy nothing.
 */
export function createHubClient(options: HubClientOptions): HubClient {
  const base = parseBaseUrl(options.baseUrl, 'Hub URL');
  const prefix = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const searchLimit = options.searchLimit ?? DEFAULT_SEARCH_LIMIT;
  const logger = (options.logger ?? silentLogger).child({ component: 'hub', host: base.host });
  // The request core's transport, not its loop: no retries, and a failure is an answer, not an error.
  const transport = createTransport({
    base, prefix, token: options.token, requestTimeoutMs: timeoutMs, metrics: options.metrics,
    timeouts: { connectMs: timeoutMs, headersMs: timeoutMs, bodyMs: timeoutMs },
  });

  async function get(path: string, endpoint: string): Promise<Answer> {
    const answer = await transport.exchange({ method: 'GET', path, endpoint });
    if (answer.kind === 'network') {
      const name = answer.error instanceof Error ? answer.error.name : '';
      return { failed: name === 'TimeoutError' || name.includes('Timeout') ? 'timeout' : 'network error' };
    }
    const errorCode = answer.headers['x-error-code'];
    const location = answer.headers.location;
    return {
      status: answer.status, text: answer.text,
      ...(typeof errorCode === 'string' ? { errorCode } : {}), ...(typeof location === 'string' ? { location } : {}),
    };
  }

  async function suggestionsFor(modelId: string): Promise<string[]> {
    // The Hub's search matches substrings: a typo in one half of the id is found through the other
    // half, and one in the name through the name's first half (`gpt3` through `gpt`).
    const [namespace, name = ''] = modelId.includes('/') ? modelId.split('/', 2) : [undefined, modelId];
    const prefix = name.slice(0, Math.max(3, Math.ceil(name.length / 2)));
    const terms = [...new Set([name, namespace, prefix].filter((term): term is string => term !== undefined && term.length > 0))];
    const found = await Promise.all(terms.map(async (term) => {
      const answer = await get(`/api/models?search=${encodeURIComponent(term)}&limit=${searchLimit}`, 'hub_search');
      if ('failed' in answer || answer.status !== 200) return [];
      const list = hubModelListSchema.safeParse(parseJson(answer.text));
      return list.success ? list.data.map((model) => model.id) : [];
    }));
    return closestIds(modelId, found.flat());
  }

  async function lookUp(modelId: string): Promise<ModelLookup> {
    const path = `/api/models/${modelId.split('/').map(encodeURIComponent).join('/')}`;
    const answer = await followRenamed(await get(path, 'hub_model'));
    const unreachable = (reason: string): ModelLookup => {
      logger.warn({ modelId, reason }, 'model not checked on the Hub');
      return { kind: 'unreachable', reason };
    };
    if ('failed' in answer) return unreachable(answer.failed);
    if (answer.status === 200) {
      const info = hubModelInfoSchema.safeParse(parseJson(answer.text));
      return info.success ? { kind: 'found', facts: factsOf(info.data) } : unreachable('unexpected answer');
    }
    if (answer.errorCode === 'GatedRepo') return { kind: 'gated-denied' };
    const authFailure = answer.status === 401 && answer.text.includes(BAD_CREDENTIALS);
    // The Hub answers 401 or 404 alike for a missing repository and a private one the token cannot see.
    if (answer.errorCode === 'RepoNotFound' || answer.status === 404 || (answer.status === 401 && !authFailure)) {
      return { kind: 'not-found', suggestions: await suggestionsFor(modelId) };
    }
    return unreachable(`HTTP ${answer.status}`);
  }

  /** A renamed repository may redirect to its new id; follow once, on the same host only. */
  async function followRenamed(answer: Answer): Promise<Answer> {
    if ('failed' in answer || !REDIRECTS.has(answer.status) || answer.location === undefined) return answer;
    const target = new URL(answer.location, base);
    if (target.origin !== base.origin || !target.pathname.startsWith(`${prefix}/api/models/`)) return answer;
    return get(target.pathname.slice(prefix.length) + target.search, 'hub_model');
  }

  return { lookUp, close: () => transport.close() };
}

function factsOf(info: HubModelInfo): ModelFacts {
  const gated = info.gated === undefined || info.gated === null || info.gated === false ? false : info.gated === 'auto' ? 'auto' : 'manual';
  return {
    ...(info.pipeline_tag ? { task: info.pipeline_tag } : {}),
    ...(info.library_name ? { library: info.library_name } : {}),
    gated,
    private: info.private === true,
    ...(info.lastModified ? { lastModified: info.lastModified } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
