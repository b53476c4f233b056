import type { RateLimitData } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimitLog } from '../../../src/adapters/discord/rate-limit-log.ts';
import { captureLogger } from '../../helpers/hf-harness.ts';

function queuedEdit(global: boolean): RateLimitData {
  return {
    global,
    hash: 'Global(PATCH:/webhooks/:id/:token/messages/@original)',
    limit: 50,
    majorParameter: '1111/aW50ZXJhY3Rpb24tdG9rZW4',
    method: 'PATCH',
    retryAfter: 640,
    route: '/webhooks/:id/:token/messages/@original',
    scope: global ? 'global' : 'user',
    sublimitTimeout: 0,
    timeToReset: 640,
    url: 'https://discord.com/api/v10/webhooks/1111/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original',
  };
}

describe('rate-limit log', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first queued request at once and the rest of a burst as one counted line', () => {
    const logger = captureLogger();
    const log = createRateLimitLog(logger, 10_000);
    for (let i = 0; i < 150; i++) log.queued(queuedEdit(i % 3 !== 0));
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'discord rate limit: request queued', fields: { route: '/webhooks/:id/:token/messages/@original', method: 'PATCH', retryAfterMs: 640, global: false, scope: 'user' } },
    ]);

    vi.advanceTimersByTime(10_000);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]).toMatchObject({ level: 'warn', message: 'discord rate limit: more requests queued', fields: { queued: 149, globalQueued: 100, intervalMs: 10_000, route: '/webhooks/:id/:token/messages/@original' } });
  });

  it('starts again after a quiet interval, and writes nothing more when nothing more was queued', () => {
    const logger = captureLogger();
    const log = createRateLimitLog(logger, 10_000);
    log.queued(queuedEdit(true));
    vi.advanceTimersByTime(30_000);
    expect(logger.lines.map((line) => line.message)).toEqual(['discord rate limit: request queued']);

    log.queued(queuedEdit(true));
    log.queued(queuedEdit(true));
    expect(logger.lines.map((line) => line.message)).toEqual(['discord rate limit: request queued', 'discord rate limit: request queued']);
  });

  it('writes the pending count when flushed at shutdown, and never the URL with its token', () => {
    const logger = captureLogger();
    const log = createRateLimitLog(logger, 10_000);
    log.queued(queuedEdit(true));
    log.queued(queuedEdit(true));
    log.flush();
    expect(logger.lines.map((line) => line.fields['queued'])).toEqual([undefined, 1]);
    expect(JSON.stringify(logger.lines)).not.toContain('aW50ZXJhY3Rpb24tdG9rZW4');
    vi.advanceTimersByTime(10_000);
    expect(logger.lines).toHaveLength(2);
  });
});
