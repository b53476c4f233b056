import type { Config } from './config.ts';

/**
 * Configured secrets shorter than this are not scrubbed. Hiding a 1–3 character value would turn
 * every message and log line to mush (it matches inside ordinary words and ids) while protecting
 * nothing: a value that short is found by guessing, not by reading a log. Real tokens are far
 * longer (`hf_…` 37, `xoxb-…` 50+, a Slack signing secret 32, a Discord token 70), and short test
 * values such as `abcd` or `secret` are still scrubbed.
 */
export const MIN_SECRET_LENGTH = 4;

const REDACTED = '[redacted]';

/**
 * Every configured secret (each scope's token, whatever its variable is called, the chat
 * platforms' tokens and signing secret), replaced wherever it appears in text on its way out: log
 * lines, chat messages, and text an upstream sent back (an error body that echoes a credential).
 * One instance is built by the composition root and shared; secrets learnt later (the scopes of
 * `PINBOT_CONFIG`, read after the logger exists) are added to it.
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();
  /** Each secret and its JSON-escaped form when that differs, longest first. */
  #needles: readonly string[] = [];
  /** Bumped by `add`, so the encoded views know to rebuild their needles. */
  #version = 0;

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string | undefined>): void {
    for (const secret of secrets) if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) this.#secrets.add(secret);
    this.#needles = needlesOf(this.#secrets);
    this.#version++;
  }

  /** `text` with every secret replaced by `[redacted]`. */
  scrub(text: string): string {
    return replaceNeedles(text, this.#needles);
  }

  /** Bound `scrub`, to hand to parts that take a plain function. */
  readonly scrubText = (text: string): string => this.scrub(text);

  /**
   * A scrub that also finds each secret as `encode` writes it: a chat adapter escapes text for its
   * markup before it sends it (a Discord `_` becomes `\_`), so its last check sees that form.
   * Secrets added later are found too.
   */
  encodedAs(encode: (text: string) => string): (text: string) => string {
    let version = -1;
    let needles: readonly string[] = [];
    return (text) => {
      if (version !== this.#version) {
        needles = needlesOf([...this.#secrets].flatMap((secret) => [secret, encode(secret)]));
        version = this.#version;
      }
      return replaceNeedles(text, needles);
    };
  }
}

function needlesOf(secrets: Iterable<string>): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    needles.add(secret);
    // Inside a JSON line or body a secret holding `"`, `\` or a control character is escaped.
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first: a secret that contains another is replaced whole, not left half shown.
  return [...needles].sort((a, b) => b.length - a.length);
}

function replaceNeedles(text: string, needles: readonly string[]): string {
  let result = text;
  for (const needle of needles) if (result.includes(needle)) result = result.split(needle).join(REDACTED);
  return result;
}

/** The secrets of the environment configuration; each scope's token is added once the scopes are loaded. */
export function configSecrets(config: Config): (string | undefined)[] {
  return [config.hfToken, config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.discord?.token];
}
