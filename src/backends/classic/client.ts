import { PinbotError } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { silentLogger, type Logger, type Metrics, type ModelStatus } from '../../core/ports.ts';
import type { PinnedList, PinnedModelsApi, WriteAnswer } from './api.ts';
import { pinToWire } from './pin-wire.ts';
import { toPinbotError, type HfEndpoint } from './errors.ts';
import { createRequestCore, type ApiRules, type RequestCall } from '../../hf/request-core.ts';
import { parseBaseUrl, type RetryOptions, type TransportTimeouts } from '../../hf/transport.ts';
import {
  errorEnvelopeSchema,
  errorText,
  modelStatusResponseSchema,
  pinnedModelsResponseSchema,
  pinWriteResponseSchema,
  type PinnedModelEntry,
} from './schema.ts';

export { parseRetryAfter } from '../../hf/request-core.ts';

export interface HfClientOptions {
  /** e.g. `https://api-inference.huggingface.co`; a path prefix is kept. */
  readonly baseUrl: string;
  readonly token: string;
  readonly timeouts?: TransportTimeouts;
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Removes every configured secret from text the API sent back (error bodies) before it is quoted. */
  readonly scrub?: (text: string) => string;
}

export type HfClient = PinnedModelsApi & { close(): Promise<void> };

interface Call extends RequestCall {
  readonly method: 'GET' | 'POST';
  readonly endpoint: HfEndpoint;
  readonly modelId?: string;
}

/** The classic API's answers: its `{ "error": … }` envelope, even on a 2xx, and its own error words. */
function classicRules(host: string): ApiRules<Call> {
  const envelopeText = (json: unknown): string | undefined => {
    const envelope = errorEnvelopeSchema.safeParse(json);
    return envelope.success ? errorText(envelope.data) : undefined;
  };
  return {
    messageOf: envelopeText,
    failedAnswer(json, isJson) {
      // huggingface_hub treats a 200 carrying `error` as a failure; so does pinbot.
      const hfMessage = envelopeText(json);
      if (hfMessage !== undefined) return { hfMessage };
      return isJson ? undefined : { problem: 'the body is not JSON' };
    },
    toError: (failure, call) => toPinbotError({ ...failure, endpoint: call.endpoint, host, ...(call.modelId !== undefined ? { modelId: call.modelId } : {}) }),
    log: { request: 'hf request', failed: 'hf call failed', networkError: 'hf request failed', retry: 'hf retry', failedWithAttempts: true },
  };
}

export function createHfClient(options: HfClientOptions): HfClient {
  const base = parseBaseUrl(options.baseUrl, 'HF API base URL');
  const core = createRequestCore<Call>({
    base,
    prefix: base.pathname.replace(/\/+$/, ''),
    token: options.token,
    timeouts: options.timeouts,
    retry: options.retry,
    logger: (options.logger ?? silentLogger).child({ component: 'hf', host: base.host }),
    metrics: options.metrics,
    scrub: options.scrub,
    rules: classicRules(base.host),
  });
  const { send, singleflight } = core;

  return {
    readPins(): Promise<PinnedList> {
      const path = '/usage/pinned_models';
      return singleflight(`GET ${path}`, async () => {
        const body = await send({ method: 'GET', path, endpoint: 'pinned_models' }, pinnedModelsResponseSchema);
        return { pins: body.pinned_models.map(entryToPin), allowed: body.allowed_pinned_models };
      });
    },

    async writePins(pins: readonly Pin[]): Promise<WriteAnswer> {
      const body = JSON.stringify({ pinned_models: pins.map(pinToWire) });
      const answer = await send({ method: 'POST', path: '/usage/pinned_models', endpoint: 'pinned_models', body }, pinWriteResponseSchema);
      return { message: answer.ok, ...(answer.pinned_models ? { pins: answer.pinned_models.map(entryToPin) } : {}) };
    },

    modelStatus(modelId: string): Promise<ModelStatus> {
      const path = `/status/${encodeModelPath(modelId)}`;
      return singleflight(`GET ${path}`, async () => {
        const body = await send({ method: 'GET', path, endpoint: 'status', modelId }, modelStatusResponseSchema);
        return {
          modelId,
          loaded: body.loaded,
          state: body.state,
          ...(body.compute_type !== undefined ? { computeType: body.compute_type } : {}),
          ...(body.framework !== undefined ? { framework: body.framework } : {}),
        };
      });
    },

    async close(): Promise<void> {
      await core.close();
    },
  };
}

function entryToPin(entry: PinnedModelEntry): Pin {
  return { modelId: entry.model_id, computeType: entry.compute_type, wire: entry };
}

/** `google/flan-t5-xxl` → `google/flan-t5-xxl`: each segment encoded, the slash kept. */
export function encodeModelPath(modelId: string): string {
  const segments = modelId.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new PinbotError('INVALID_MODEL_ID', `"${modelId}" is not a model id.`, { modelId, reason: 'empty or relative path segment' });
  }
  return segments.map(encodeURIComponent).join('/');
}

