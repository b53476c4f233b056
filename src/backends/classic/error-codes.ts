import type { HfErrorDetails } from '../../core/domain/errors.ts';

/** The refusals only the classic Inference API gives, added to the core's codes. */
declare module '../../core/domain/errors.ts' {
  interface ErrorDetails {
    /** The classic Inference API host answered 404/410: Hugging Face retired it. */
    HF_ENDPOINT_RETIRED: HfErrorDetails;
  }
}
