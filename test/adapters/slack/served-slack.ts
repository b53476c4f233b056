import type { Pinbot } from '../../../src/pinbot.ts';
import type { Server } from '../../../src/serve.ts';
import { servePinbot, type ServedPinbotOptions } from '../../helpers/served-pinbot.ts';
import { startSlackApiServer, type SlackApiCall, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { ALICE, approveValue, BOT_TOKEN, CHANNEL, cardUpdates, SIGNING_SECRET } from '../../helpers/slack-process.ts';
import { actionBody, buttonPayload, commandBody, postSigned } from '../../helpers/slack-requests.ts';
import { waitFor } from '../../helpers/wait-for.ts';

export const WAIT = 10_000;

export interface ServedSlack {
  readonly slack: SlackApiServer;
  readonly pinbot: Pinbot;
  readonly server: Server;
  /** Sends `/pins <text>` as Alice in `CHANNEL`; resolves with the command's `response_url`. */
  command(text: string): Promise<string>;
  /** The first answer to `responseUrl`, waited for, as JSON text. */
  answer(responseUrl: string): Promise<string>;
  /** Clicks a button of a posted message as Alice. */
  click(call: SlackApiCall, actionId: string, value: string): Promise<void>;
  /** Every posted proposal card (a message with an Approve button), in order. */
  cards(): SlackApiCall[];
  /** Sends `/pins <text>` and waits for the card it posts. */
  proposeCard(text: string): Promise<SlackApiCall>;
  /** Clicks Approve on a card and waits for its update that contains `title`. */
  approveAndSettle(card: SlackApiCall, title: string): Promise<SlackApiCall>;
}

/**
 * pinbot served in process with Slack over HTTP against the project's Slack API server; the
 * config's scopes are bound to `CHANNEL` by the caller. Everything is closed through `cleanups`.
 */
export async function serveSlack(
  options: ServedPinbotOptions,
  cleanups: (() => Promise<void>)[],
): Promise<ServedSlack> {
  const slack = await startSlackApiServer();
  cleanups.push(() => slack.close());
  const env = { ...options.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
  const { pinbot, server } = await servePinbot({ ...options, env }, cleanups);
  const events = `http://127.0.0.1:${server.port}/slack/events`;

  const cards = () => slack.callsTo('chat.postMessage').filter((call) => approveValue(call) !== undefined);
  const command = async (text: string) => {
    const responseUrl = slack.responseUrl('commands');
    await postSigned(events, SIGNING_SECRET, commandBody({ text, user: ALICE, channelId: CHANNEL, responseUrl }));
    return responseUrl;
  };
  const click = async (call: SlackApiCall, actionId: string, value: string) => {
    await postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
      actionId, value, user: ALICE, channelId: call.params['channel'] ?? CHANNEL, messageTs: String(call.result['ts']), responseUrl: slack.responseUrl('actions'),
    })));
  };
  return {
    slack,
    pinbot,
    server,
    command,
    async answer(responseUrl) {
      await waitFor(() => slack.responsesTo(responseUrl).length > 0, WAIT, 'an answer');
      return JSON.stringify(slack.responsesTo(responseUrl)[0]?.body);
    },
    click,
    cards,
    async proposeCard(text) {
      const before = cards().length;
      await command(text);
      await waitFor(() => cards().length === before + 1, WAIT, `the card for ${text}`);
      return cards()[before] as SlackApiCall;
    },
    async approveAndSettle(card, title) {
      const ts = String(card.result['ts']);
      const settled = () => cardUpdates(slack, ts).find((update) => (update.params['blocks'] ?? '').includes(title));
      await click(card, 'pinbot_approve', approveValue(card) ?? '');
      await waitFor(() => settled() !== undefined, WAIT, title);
      return settled() as SlackApiCall;
    },
  };
}
