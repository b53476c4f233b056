import { wordsOf } from '../../src/backends/registry.ts';
import type { ReplyStyle } from '../../src/core/words/replies.ts';

/** How chat writes commands, with every backend's words: what the Slack and Discord adapters use. */
export const CHAT_STYLE: ReplyStyle = { commandPrefix: '/pins ', wordsOf };

/** The console's: commands without a prefix. */
export const CONSOLE_STYLE: ReplyStyle = { commandPrefix: '', wordsOf };
