import type { BackendWords, WordsOf } from '../core/backend.ts';
import { CLASSIC_KIND } from './classic/backend.ts';
import { PINNED_WORDS } from './classic/words.ts';
import { ENDPOINTS_KIND } from './endpoints/backend.ts';
import { ENDPOINTS_WORDS } from './endpoints/words.ts';

/** Every backend pinbot has, by the name PINBOT_CONFIG's `backend:` and stored proposals use. */
const WORDS: Readonly<Record<string, BackendWords>> = {
  [CLASSIC_KIND]: PINNED_WORDS,
  [ENDPOINTS_KIND]: ENDPOINTS_WORDS,
};

/**
 * A backend's words by its name. A proposal stored by a version of pinbot that had a backend this
 * one lacks is drawn in the classic list's words rather than not at all.
 */
export const wordsOf: WordsOf = (kind) => WORDS[kind] ?? PINNED_WORDS;
