import { afterEach, expect } from 'vitest';
import type { types } from '@slack/bolt';
import { startSlack, type SlackHandle } from '../../../src/adapters/slack/app.ts';
import type { RequestBounds } from '../../../src/http/request-bounds.ts';
import type { ScopeResolver } from '../../../src/core/ports.ts';
import { usePinbotHarness, type PinbotHarness, type PinbotHarnessOptions } from '../../helpers/pinbot-harness.ts';
import { startSlackApiServer, type ResponseUrlPost, type SlackApiCall, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { actionBody, buttonPayload, commandBody, postSigned, type SignedPostOptions, type SlackUser } from '../../helpers/slack-requests.ts';

export const BOT_TOKEN = 'xoxb-1000000001-2000000002-PinbotSlackBotTokenXyZ';
export const SIGNING_SECRET = 'pinbot-slack-signing-secret-5ac3e1f0d2';
export const BOUND_CHANNEL = 'C0PINS0001';
export const UNBOUND_CHANNEL = 'C0OTHER002';
export const ALICE: SlackUser = { id: 'U0ALICE001', username: 'alice' };
export const BOB: SlackUser = { id: 'U0BOB00002', username: 'bob' };

const WAIT_MS = 5000;

export const scopeFor: ScopeResolver = (channel) => (channel.platform === 'slack' && channel.channelId === BOUND_CHANNEL ? 'default' : undefined);

type KnownBlock = types.KnownBlock;

/** A posted proposal card, as the test server received it. */
export interface PostedCard {
  readonly proposalId: string;
  readonly channel: string;
  readonly ts: string;
  readonly blocks: KnownBlock[];
  readonly text: string;
}

export interface SlackHarness {
  readonly pinbot: PinbotHarness;
  readonly slackApi: SlackApiServer;
  readonly slack: SlackHandle;
  readonly baseUrl: string;
  readonly eventsUrl: string;
  /** Sends `/pins <text>`; resolves with the HTTP answer and the command's `response_url`. */
  command(text: string, options?: { user?: SlackUser; channelId?: string; signed?: SignedPostOptions }): Promise<{ status: number; body: string; responseUrl: string }>;
  /** Clicks a button on a card; resolves with the HTTP answer and the click's `response_url`. */
  click(kind: 'approve' | 'cancel' | 'repropose', card: { proposalId: string; channel: string; ts: string }, user?: SlackUser): Promise<{ status: number; body: string; responseUrl: string }>;
  /** The one answer sent to `responseUrl`, waited for. */
  response(responseUrl: string): Promise<ResponseUrlPost>;
  /** Sends `/pins <text>` and waits for the card it posts. */
  propose(text: string, user?: SlackUser): Promise<PostedCard>;
  /** Waits until `count` calls to `method` have been made. */
  waitForCalls(method: string, count: number): Promise<SlackApiCall[]>;
}

export interface SlackHarnessOptions extends PinbotHarnessOptions {
  /** Shorter bounds on receiving a request, for tests that trickle one. */
  readonly httpTimeouts?: RequestBounds;
}

/** A real Bolt app (HTTP mode) on the real core and HF simulator, talking to a fake Slack; all closed after each test. */
export function useSlackHarness() {
  const startPinbot = usePinbotHarness();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return async function start(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
    const pinbot = await startPinbot(options);
    const slackApi = await startSlackApiServer();
    closers.push(() => slackApi.close());
    const slack = await startSlack({
      service: pinbot.service,
      scopeFor,
      config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slackApi.apiUrl },
      port: 0,
      host: '127.0.0.1',
      logger: pinbot.logger,
      ...(options.httpTimeouts !== undefined ? { httpTimeouts: options.httpTimeouts } : {}),
    });
    closers.push(() => slack.stop());
    const baseUrl = `http://127.0.0.1:${slack.port}`;
    const eventsUrl = `${baseUrl}/slack/events`;

    const waitForCalls = async (method: string, count: number): Promise<SlackApiCall[]> => {
      await waitFor(() => slackApi.callsTo(method).length >= count, WAIT_MS, `${count} ${method} call(s)`);
      return slackApi.callsTo(method);
    };
    const response = async (responseUrl: string): Promise<ResponseUrlPost> => {
      await waitFor(() => slackApi.responsesTo(responseUrl).length > 0, WAIT_MS, `a POST to ${responseUrl}`);
      const posts = slackApi.responsesTo(responseUrl);
      expect(posts).toHaveLength(1);
      return posts[0] as ResponseUrlPost;
    };
    const command: SlackHarness['command'] = async (text, commandOptions = {}) => {
      const responseUrl = slackApi.responseUrl('commands');
      const body = commandBody({ text, user: commandOptions.user ?? ALICE, channelId: commandOptions.channelId ?? BOUND_CHANNEL, responseUrl });
      const answer = await postSigned(eventsUrl, SIGNING_SECRET, body, commandOptions.signed);
      return { status: answer.status, body: answer.text, responseUrl };
    };
    const click: SlackHarness['click'] = async (kind, card, user = ALICE) => {
      const responseUrl = slackApi.responseUrl('actions');
      const payload = buttonPayload({ actionId: `pinbot_${kind}`, value: card.proposalId, user, channelId: card.channel, messageTs: card.ts, responseUrl });
      const answer = await postSigned(eventsUrl, SIGNING_SECRET, actionBody(payload));
      return { status: answer.status, body: answer.text, responseUrl };
    };
    const propose = async (text: string, user: SlackUser = ALICE): Promise<PostedCard> => {
      const before = slackApi.callsTo('chat.postMessage').length;
      const answer = await command(text, { user });
      expect(answer.status).toBe(200);
      const posted = (await waitForCalls('chat.postMessage', before + 1))[before] as SlackApiCall;
      const blocks = blocksOf(posted);
      const approve = buttonsOf(blocks).find((button) => button.action_id === 'pinbot_approve');
      expect(approve?.value).toBeTypeOf('string');
      const proposalId = approve?.value ?? '';
      const ts = String(posted.result.ts);
      // The card's place is recorded with the proposal before the handler finishes.
      await waitFor(async () => (await pinbot.service.getProposal(proposalId)).messageRef !== undefined, WAIT_MS, 'the card to be attached');
      return { proposalId, channel: posted.params.channel ?? '', ts, blocks, text: posted.params.text ?? '' };
    };
    return { pinbot, slackApi, slack, baseUrl, eventsUrl, command, click, response, propose, waitForCalls };
  };
}

export function blocksOf(call: SlackApiCall | ResponseUrlPost): KnownBlock[] {
  if ('params' in call) return JSON.parse(call.params.blocks ?? '[]') as KnownBlock[];
  return (call.body.blocks ?? []) as KnownBlock[];
}

export function buttonsOf(blocks: readonly KnownBlock[]): types.Button[] {
  return blocks.flatMap((block) => (block.type === 'actions' ? block.elements.filter((element): element is types.Button => element.type === 'button') : []));
}

/** Every mrkdwn text of the blocks (sections and their fields), joined by newlines. */
export function mrkdwnOf(blocks: readonly KnownBlock[]): string {
  return blocks
    .flatMap((block) => (block.type === 'section' ? [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)] : []))
    .join('\n');
}

/** What the user reads in an answer: its blocks' text, or its plain text when it has no blocks. */
export function readableText(post: ResponseUrlPost | SlackApiCall): string {
  const blocks = blocksOf(post);
  if (blocks.length > 0) return mrkdwnOf(blocks);
  return 'params' in post ? (post.params.text ?? '') : String(post.body.text ?? '');
}
