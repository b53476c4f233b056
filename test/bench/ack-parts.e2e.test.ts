import { afterEach, describe, expect, it } from 'vitest';
import { benchDiscordAck } from '../../bench/discord-ack.ts';
import { poolAcks } from '../../bench/report.ts';
import type { BenchResults } from '../../bench/results.ts';
import { benchSlackAck } from '../../bench/slack-ack.ts';

/**
 * The ack parts of `npm run bench`, one round of each case: real Bolt and discord.js apps, pinbot's
 * and bare ones, against the Slack and Discord peers on worker threads. This checks that the bench
 * measures what it says, not how fast anything is.
 */
describe('the Slack and Discord ack benchmarks', () => {
  afterEach(() => {
    delete process.env['BENCH_ROUNDS'];
    delete process.env['BENCH_SLACK_LEVELS'];
    delete process.env['BENCH_DISCORD_LEVELS'];
  });

  it('time every ack of pinbot and of the bare app, round by round, with pinbot\'s answers', async () => {
    Object.assign(process.env, { BENCH_ROUNDS: '1', BENCH_SLACK_LEVELS: '50,200', BENCH_DISCORD_LEVELS: '50' });
    const acks = { ...(await benchSlackAck(() => undefined)).acks, ...(await benchDiscordAck(() => undefined)).acks };
    expect(Object.keys(acks)).toEqual(['slack list N=50', 'slack add N=50', 'slack list N=200', 'slack add N=200', 'discord list N=50']);
    for (const [label, one] of Object.entries(acks)) {
      const count = label.endsWith('N=200') ? 200 : 50;
      expect([label, one.pinbot.map((round) => round.length), one.baseline.map((round) => round.length), one.answer.length]).toEqual([label, [count], [count], count]);
      expect([...one.pinbot.flat(), ...one.baseline.flat(), ...one.answer].every((ms) => ms >= 0 && ms < 30_000)).toBe(true);
      expect(one.throughput !== undefined).toBe(count === 200);
    }
    const results: BenchResults = { node: process.version, at: '', acks, figures: [], plans: {} };
    expect(poolAcks([results]).every((row) => Number.isFinite(row['ratio p99']))).toBe(true);
  }, 120_000);
});
