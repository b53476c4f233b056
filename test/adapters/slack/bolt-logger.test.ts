import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createBoltLogger } from '../../../src/adapters/slack/bolt-logger.ts';
import { captureLogger } from '../../helpers/hf-harness.ts';
import { BOT_TOKEN, SIGNING_SECRET } from './slack-harness.ts';

describe("Bolt's logger, routed into pinbot's", () => {
  it('passes warnings and errors on at warn, drops debug and info', () => {
    const sink = captureLogger();
    const bolt = createBoltLogger(sink, [BOT_TOKEN]);

    bolt.debug('debug detail');
    bolt.info('info detail');
    bolt.warn('something to look at', 42);
    bolt.error(new Error('broken'));

    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    expect(sink.lines.map((line) => [line.level, line.fields.detail])).toEqual([
      ['warn', 'something to look at 42'],
      ['error', 'Error: broken'],
    ]);
  });

  it('scrubs the known secrets and anything shaped like a Slack token', () => {
    const sink = captureLogger();
    const bolt = createBoltLogger(sink, [BOT_TOKEN, SIGNING_SECRET, undefined]);

    bolt.warn(`token ${BOT_TOKEN} secret ${SIGNING_SECRET}`, { headers: { authorization: 'Bearer xoxb-other-token-1' } }, 'xapp-1-A1-2-abc');

    const detail = String(sink.lines[0]?.fields.detail);
    expect(detail).not.toContain(BOT_TOKEN);
    expect(detail).not.toContain(SIGNING_SECRET);
    expect(detail).not.toMatch(/xox[a-z]-|xapp-/);
    expect(detail.match(/\[redacted\]/g)).toHaveLength(4);
  });
});
