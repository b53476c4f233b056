import { describe, expect, it } from 'vitest';
import { toPinbotError, type HfFailure } from '../../../src/backends/classic/errors.ts';
import { HfTransportError } from '../../../src/hf/transport-error.ts';

const at = { endpoint: 'pinned_models', host: 'api-inference.huggingface.co', attempts: 1 } as const;
const http = (status: number, hfMessage?: string, endpoint: HfFailure['endpoint'] = 'pinned_models'): Extract<HfFailure, { kind: 'http' }> => ({
  ...at,
  endpoint,
  kind: 'http',
  status,
  ...(hfMessage !== undefined ? { hfMessage } : {}),
});

describe('mapping Hugging Face refusals to codes', () => {
  it.each([
    [http(401), 'HF_BAD_TOKEN'],
    [http(400, 'Authorization header is correct, but the token seems invalid'), 'HF_BAD_TOKEN'],
    [http(403, 'Invalid credentials in Authorization header'), 'HF_BAD_TOKEN'],
    [http(400, 'Model dslim/bert-token-classifier does not exist'), 'HF_UNKNOWN_MODEL'],
    [http(402), 'HF_NO_PINNING_PLAN'],
    [http(403, 'Model pinning is only supported for existing customers'), 'HF_NO_PINNING_PLAN'],
    [http(400, 'This feature requires a subscription'), 'HF_NO_PINNING_PLAN'],
    [http(400, 'You can only pin 5 models with your current plan'), 'HF_QUOTA'],
    [http(400, 'Too many pinned models'), 'HF_QUOTA'],
    [http(404, 'Model unknown/model does not exist', 'status'), 'HF_UNKNOWN_MODEL'],
    [http(404, undefined, 'status'), 'HF_UNKNOWN_MODEL'],
    [http(404), 'HF_ENDPOINT_RETIRED'],
    [http(410, undefined, 'status'), 'HF_ENDPOINT_RETIRED'],
    [http(429, 'Rate limit reached. Please subscribe to a plan at https://huggingface.co/pricing'), 'HF_RATE_LIMITED'],
    [http(503, 'Model gpt2 is currently loading'), 'HF_UNAVAILABLE'],
    [http(500), 'HF_UNAVAILABLE'],
    [http(422, 'something else'), 'HF_REJECTED'],
    [{ ...at, kind: 'network', cause: new HfTransportError('ECONNRESET', 'read ECONNRESET') } satisfies HfFailure, 'HF_UNAVAILABLE'],
    [{ ...at, kind: 'bad-response', status: 200, problem: 'the body is not JSON' } satisfies HfFailure, 'HF_BAD_RESPONSE'],
  ])('%o → %s', (failure, code) => {
    expect(toPinbotError(failure).code).toBe(code);
  });

  it('keeps the text verbatim and writes a plain sentence', () => {
    const error = toPinbotError({ ...http(400, 'You can only pin 5 models with your current plan'), attempts: 2 });
    expect(error.details).toEqual({ status: 400, attempts: 2, hfMessage: 'You can only pin 5 models with your current plan' });
    expect(error.message).toBe(
      'Hugging Face refused the list: it is over the plan\'s pinned-model quota. Hugging Face said: "You can only pin 5 models with your current plan".',
    );
  });

  it('carries the wait of a rate limit', () => {
    const error = toPinbotError({ ...http(429), retryAfterSeconds: 30 });
    expect(error.details).toMatchObject({ retryAfterSeconds: 30 });
    expect(error.message).toMatch(/try again in 30 seconds/);
  });
});
