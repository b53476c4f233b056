import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startSimulator, type Simulator } from '../src/backends/classic/simulator.ts';
import { createLogger } from '../src/logger.ts';
import { createPrometheusMetrics } from '../src/metrics.ts';
import { buildPinbot } from '../src/pinbot.ts';
import { serve } from '../src/serve.ts';
import { startSlackApiServer, type SlackApiServer } from './helpers/slack-api-server.ts';
import { actionBody, buttonPayload, commandBody, postSigned, type SlackUser } from './helpers/slack-requests.ts';
import { waitFor } from './helpers/wait-for.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const RESEARCH_TOKEN = 'hf_ResearchScopeTokenAaaaaaaaaaaaaaaaaaaa';
const PROD_TOKEN = 'hf_ProductionScopeTokenBbbbbbbbbbbbbbbbbbb';
const BOT_TOKEN = 'xoxb-1000000001-2000000002-ScopesTestBotToken';
const SIGNING_SECRET = 'scopes-test-signing-secret-9f8e7d6c5b';

const ALICE: SlackUser = { id: 'U0ALICE001', username: 'alice' };
const BOB: SlackUser = { id: 'U0BOB00002', username: 'bob' };
const CAROL: SlackUser = { id: 'U0CAROL003', username: 'carol' };
const MALLORY: SlackUser = { id: 'U0MALLORY4', username: 'mallory' };

const CONFIG = `
scopes:
  - name: research
    token_env: HF_TOKEN_RESEARCH
    slack_channels: [C0RESEARCH]
  - name: production
    token_env: HF_TOKEN_PROD
    slack_channels: [C0PROD0001]
    policy:
      proposers: [slack:U0ALICE001, slack:S0PLATFORM]
      approvers: [slack:S0PLATFORM, slack:U0ALICE001]
      approvals_required: 2
      requester_can_approve: false
      proposal_ttl: 4h
`;

describe('several scopes and their policies, through the composition root and Slack', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start(prodToken = PROD_TOKEN) {
    const sim: Simulator = await startSimulator({
      loadDelayMs: 10,
      accounts: {
        [RESEARCH_TOKEN]: { allowed: 5, pins: [{ model_id: 'research/base', compute_type: 'cpu' }] },
        [PROD_TOKEN]: { allowed: 5, pins: [{ model_id: 'prod/serving', compute_type: 'gpu' }] },
      },
    });
    cleanups.push(() => sim.close());
    const slack: SlackApiServer = await startSlackApiServer();
    slack.setUserGroups([{ id: 'S0PLATFORM', users: [BOB.id, CAROL.id] }]);
    cleanups.push(() => slack.close());
    const dir = testTempDir('pinbot-scopes-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, CONFIG);
    const env = {
      PINBOT_CONFIG: configFile, DATABASE_URL: join(dir, 'pinbot.sqlite'), HF_API_URL: sim.url, HF_HUB_URL: 'off', HF_TOKEN_RESEARCH: RESEARCH_TOKEN, HF_TOKEN_PROD: prodToken, PORT: '0',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    };
    const config = loadConfig(env);
    const sink = new PassThrough();
    const logLines: string[] = [];
    sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'debug', sink, pretty: false, secrets: [RESEARCH_TOKEN, prodToken, BOT_TOKEN, SIGNING_SECRET] });
    const pinbot = await buildPinbot(config, { env, logger, metrics: createPrometheusMetrics({ defaultMetrics: false }) });
    const server = await serve(pinbot, config, logger, createPrometheusMetrics({ defaultMetrics: false }));
    cleanups.push(() => server.shutdown());
    const events = `http://127.0.0.1:${server.port}/slack/events`;

    // Cards are the posts with an Approve button; outcome notices are posted too, and are not cards.
    const cards = () => slack.callsTo('chat.postMessage').filter((call) => (call.params['blocks'] ?? '').includes('pinbot_approve'));
    const command = async (text: string, user: SlackUser, channelId: string) => {
      const responseUrl = slack.responseUrl('commands');
      const cardsBefore = cards().length;
      await postSigned(events, SIGNING_SECRET, commandBody({ text, user, channelId, responseUrl }));
      await waitFor(() => slack.responsesTo(responseUrl).length > 0 || cards().length > cardsBefore, 10_000, `an answer to ${text}`);
      const answer = slack.responsesTo(responseUrl)[0];
      return { answer: answer ? JSON.stringify(answer.body) : undefined, card: cards()[cardsBefore] };
    };
    const click = async (card: { params: Record<string, string>; result: Record<string, unknown> } | undefined, user: SlackUser) => {
      const blocks = JSON.parse(card?.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
      const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_approve')?.value ?? '';
      const responseUrl = slack.responseUrl('actions');
      const updatesBefore = slack.callsTo('chat.update').length;
      await postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
        actionId: 'pinbot_approve', value, user, channelId: card?.params['channel'] ?? '', messageTs: String(card?.result['ts']), responseUrl,
      })));
      await waitFor(() => slack.responsesTo(responseUrl).length > 0 || slack.callsTo('chat.update').length > updatesBefore, 10_000, 'the click to be answered');
      const answer = slack.responsesTo(responseUrl)[0];
      return { answer: answer ? JSON.stringify(answer.body) : undefined, update: slack.callsTo('chat.update')[updatesBefore] };
    };
    const writesTo = (label: string) => sim.requestLog.filter((e) => e.source === 'client' && e.method === 'POST' && e.account === label);
    return { sim, slack, command, click, writesTo, logLines, research: 'account-1', production: 'account-2' };
  }

  it('keeps two scopes on different channels apart: a change in one never touches the other', async () => {
    const t = await start();
    const { card } = await t.command('add research/new', ALICE, 'C0RESEARCH');
    await t.click(card, BOB);

    expect(t.sim.pins(RESEARCH_TOKEN).map((p) => p.model_id)).toEqual(['research/base', 'research/new']);
    expect(t.sim.pins(PROD_TOKEN).map((p) => p.model_id)).toEqual(['prod/serving']);
    expect(t.writesTo(t.production)).toHaveLength(0);
    const prodList = await t.command('list', ALICE, 'C0PROD0001');
    expect(prodList.answer).toContain('prod/serving');
    expect(prodList.answer).not.toContain('research/');
  });

  it('tells an unbound channel how to bind it', async () => {
    const t = await start();
    const { answer } = await t.command('list', ALICE, 'C0ELSEWHERE');
    expect(answer).toContain('not bound to a pinbot scope');
    expect(answer).toContain('slack_channels');
  });

  it('refuses a proposer outside the list with a sentence, and posts and writes nothing', async () => {
    const t = await start();
    const { answer, card } = await t.command('add prod/extra', MALLORY, 'C0PROD0001');
    expect(card).toBeUndefined();
    expect(answer).toContain('not on the list of people who may propose pin changes in scope production');
    expect(t.writesTo(t.production)).toHaveLength(0);
  });

  it('four-eyes: not on the requester’s click, only after two distinct approvers from the group', async () => {
    const t = await start();
    const { card } = await t.command('add prod/extra', ALICE, 'C0PROD0001');
    expect(card).toBeDefined();

    const own = await t.click(card, ALICE);
    expect(own.answer).toContain('needs someone else to approve it');
    const outsider = await t.click(card, MALLORY);
    expect(outsider.answer).toContain('not on the list of people who may approve');
    const first = await t.click(card, BOB);
    expect(first.update?.params['blocks']).toContain('1 of 2');
    expect(t.writesTo(t.production)).toHaveLength(0);

    await t.click(card, CAROL);
    await waitFor(() => t.writesTo(t.production).length === 1, 10_000, 'the write');
    expect(t.sim.pins(PROD_TOKEN).map((p) => p.model_id)).toEqual(['prod/serving', 'prod/extra']);
    expect(t.writesTo(t.research)).toHaveLength(0);
  });

  it('shows the scope, its policy and the caller’s own rights in help', async () => {
    const t = await start();
    const { answer } = await t.command('help', BOB, 'C0PROD0001');
    expect(answer).toContain('scope production');
    expect(answer).toContain('A change needs 2 approvals from someone other than the requester; proposals expire after 4h.');
    expect(answer).toContain('You may propose, and may approve (but not your own proposals).');
  });

  it('reports a bad token at start-up by scope name, never the token, and no secret reaches any output', async () => {
    const wrong = 'hf_WrongProductionTokenCccccccccccccccccc';
    const t = await start(wrong);
    const logs = t.logLines.join('\n');
    expect(logs).toContain('Scope production: the token in HF_TOKEN_PROD could not read the pinned list.');
    expect(logs).toContain('"scope":"research","msg":"scope token works"');
    await t.command('add research/new', ALICE, 'C0RESEARCH');
    const everything = `${logs}\n${t.logLines.join('\n')}\n${t.slack.bodies.map((b) => b.raw).join('\n')}`;
    for (const secret of [RESEARCH_TOKEN, wrong, SIGNING_SECRET]) expect(everything).not.toContain(secret);
  });
});
