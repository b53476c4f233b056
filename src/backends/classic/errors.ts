import { PinbotError } from '../../core/domain/errors.ts';
import type { RequestFailure } from '../../hf/request-core.ts';

/** Which route of the classic Inference API a failed call was for: the same status means different things on each. */
export type HfEndpoint = 'pinned_models' | 'status';

interface FailureBase {
  readonly endpoint: HfEndpoint;
  /** Host of the API base URL (never userinfo), for the retired-endpoint sentence. */
  readonly host: string;
  /** The model a `/status` call asked about. */
  readonly modelId?: string;
}

/** Everything that can go wrong in one logical call, already free of the token, and where. */
export type HfFailure = FailureBase & RequestFailure;

// "token" as a word of its own, not inside a model id such as `dslim/bert-token-classifier`.
const TOKEN_TEXT = /(?<![\w/.-])tokens?(?![\w/.-])|authori[sz]ation|credential/i;
const MODEL_DOES_NOT_EXIST = /\bModel (\S+) does not exist\b/;
const PLAN_STRONG = /pinning (?:is )?(?:only |not )?(?:supported|available)|not supported|subscription|existing customers|upgrade/i;
const QUOTA_TEXT = /quota|allowed|too many|can only pin|maximum number|limit of \d+/i;
const PLAN_WEAK = /\bplan\b/i;
const UNKNOWN_MODEL_TEXT = /does not exist|unknown model|model not found|not found/i;
const RETIRED_TEXT = /no longer supported|no longer available|does not exist anymore/i;

/** Turns a failed call into the coded error the core and the adapters understand. */
export function toPinbotError(failure: HfFailure): PinbotError {
  const attempts = failure.attempts;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;

  if (failure.kind === 'network') {
    const what = failure.cause.isTimeout ? 'the request timed out' : `network error ${failure.cause.code}`;
    return new PinbotError('HF_UNAVAILABLE', `Hugging Face could not be reached at ${failure.host} after ${tries} (${what}).`, { attempts }, { cause: failure.cause });
  }

  if (failure.kind === 'bad-response') {
    return new PinbotError(
      'HF_BAD_RESPONSE',
      `Hugging Face answered HTTP ${failure.status} with a body pinbot does not understand (${failure.problem}).`,
      { status: failure.status, attempts },
    );
  }

  const { status, hfMessage } = failure;
  const text = hfMessage ?? '';
  const base = { status, attempts, ...(hfMessage !== undefined ? { hfMessage } : {}) };
  const said = hfMessage !== undefined ? ` Hugging Face said: "${hfMessage}".` : '';

  if (status === 401 || ((status === 400 || status === 403) && TOKEN_TEXT.test(text) && !MODEL_DOES_NOT_EXIST.test(text))) {
    return new PinbotError('HF_BAD_TOKEN', `Hugging Face did not accept the API token (HTTP ${status}).${said}`, base);
  }
  if (status === 429) {
    const seconds = failure.retryAfterSeconds;
    const when = seconds !== undefined ? `try again in ${seconds} seconds` : 'try again later';
    return new PinbotError('HF_RATE_LIMITED', `Hugging Face is rate-limiting this token after ${tries}; ${when}.${said}`, {
      ...base,
      ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}),
    });
  }
  if (status >= 500) {
    return new PinbotError('HF_UNAVAILABLE', `Hugging Face at ${failure.host} is unavailable (HTTP ${status} after ${tries}).${said}`, base);
  }
  if (status === 410 || (status === 404 && failure.endpoint === 'pinned_models') || RETIRED_TEXT.test(text)) {
    return new PinbotError(
      'HF_ENDPOINT_RETIRED',
      `The classic Inference API endpoint at ${failure.host} no longer answers (HTTP ${status}): Hugging Face retired it. ` +
        'Set HF_API_URL to point pinbot at another address.',
      base,
    );
  }
  if (status === 402 || PLAN_STRONG.test(text)) {
    return new PinbotError('HF_NO_PINNING_PLAN', `This Hugging Face account's plan does not allow pinning models.${said}`, base);
  }
  if (QUOTA_TEXT.test(text)) {
    return new PinbotError('HF_QUOTA', `Hugging Face refused the list: it is over the plan's pinned-model quota.${said}`, base);
  }
  if (PLAN_WEAK.test(text)) {
    return new PinbotError('HF_NO_PINNING_PLAN', `This Hugging Face account's plan does not allow pinning models.${said}`, base);
  }
  if (UNKNOWN_MODEL_TEXT.test(text) || (status === 404 && failure.endpoint === 'status')) {
    const modelId = failure.modelId ?? MODEL_DOES_NOT_EXIST.exec(text)?.[1];
    const which = modelId !== undefined ? `the model ${modelId}` : 'a model in the list';
    return new PinbotError('HF_UNKNOWN_MODEL', `Hugging Face does not know ${which}.${said}`, {
      ...base,
      ...(modelId !== undefined ? { modelId } : {}),
    });
  }
  return new PinbotError('HF_REJECTED', `Hugging Face refused the request (HTTP ${status}).${said}`, base);
}
