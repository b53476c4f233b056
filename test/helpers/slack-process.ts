import { expect } from 'vitest';
import type { Simulator } from '../../src/backends/classic/simulator.ts';
import { TOKEN } from './hf-harness.ts';
import type { SlackApiCall, SlackApiServer } from './slack-api-server.ts';
import { actionBody, buttonPayload, commandBody, postSigned, type SlackUser } from './slack-requests.ts';
import { spawnPinbot, type RunningPinbot } from './spawn-pinbot.ts';
import { waitFor } from './wait-for.ts';

export const BOT_TOKEN = 'xoxb-1000000001-2000000002-ProcessTestBotToken';
export const SIGNING_SECRET = 'process-test-signing-secret-5e4d3c2b1a';
export const ALICE: SlackUser = { id: 'U0ALICE001', username: 'alice' };
export const BOB: SlackUser = { id: 'U0BOB00002', username: 'bob' };
export const CHANNEL = 'C0PINS0001';

/** A spawned pinbot serving Slack over HTTP (PORT=0) against the test Slack API and the simulator. */
export interface SlackProcess {
  readonly pinbot: RunningPinbot;
  readonly events: string;
  /** Sends `/pins <text>` and returns the card it posted. */
  propose(text: string, user?: SlackUser): Promise<Card>;
  /** Clicks a card's Approve; resolves once Bolt acknowledged it. */
  approve(card: Card, user?: SlackUser): Promise<string>;
  /** SIGTERM, and waits for the exit code. */
  stop(): Promise<number>;
  /** SIGKILL, and waits until it is gone. */
  kill(): Promise<void>;
}

/** A card as the test Slack API recorded it. */
export interface Card {
  readonly proposalId: string;
  readonly ts: string;
  readonly call: SlackApiCall;
}

export async function startSlackProcess(
  sim: Pick<Simulator, 'url'>, slack: SlackApiServer, databaseUrl: string, cleanups: (() => Promise<void>)[],
  /** More environment, e.g. `PINBOT_CONFIG` for scopes from a file. */
  extraEnv: Record<string, string> = {},
): Promise<SlackProcess> {
  const pinbot = spawnPinbot([], {
    HF_TOKEN: TOKEN, HF_API_URL: sim.url, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl,
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, ...extraEnv,
  });
  const gone = async () => {
    if (pinbot.process.exitCode === null && pinbot.process.signalCode === null) pinbot.process.kill('SIGKILL');
    await pinbot.exited();
  };
  cleanups.push(gone);
  await pinbot.waitForOutput('"msg":"pinbot ready"', 30_000);
  const ready = pinbot.stdout().split('\n').find((line) => line.includes('"msg":"pinbot ready"')) ?? '';
  const events = `http://127.0.0.1:${(JSON.parse(ready) as { port: number }).port}/slack/events`;

  return {
    pinbot,
    events,
    async propose(text, user = ALICE) {
      const before = slack.callsTo('chat.postMessage').length;
      const responseUrl = slack.responseUrl('commands');
      const ack = await postSigned(events, SIGNING_SECRET, commandBody({ text, user, channelId: CHANNEL, responseUrl }));
      expect(ack.status).toBe(200);
      await waitFor(
        () => slack.callsTo('chat.postMessage').slice(before).some((call) => approveValue(call) !== undefined) || slack.responsesTo(responseUrl).length > 0,
        15_000, `the card for ${text}`,
      );
      const call = slack.callsTo('chat.postMessage').slice(before).find((c) => approveValue(c) !== undefined);
      if (!call) throw new Error(`no card for ${text}: ${JSON.stringify(slack.responsesTo(responseUrl))}`);
      return { proposalId: approveValue(call) ?? '', ts: String(call.result['ts']), call };
    },
    async approve(card, user = ALICE) {
      const responseUrl = slack.responseUrl('actions');
      const ack = await postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
        actionId: 'pinbot_approve', value: card.proposalId, user, channelId: CHANNEL, messageTs: card.ts, responseUrl,
      })));
      expect(ack.status).toBe(200);
      return responseUrl;
    },
    async stop() {
      pinbot.process.kill('SIGTERM');
      return pinbot.exited();
    },
    kill: gone,
  };
}

/** The proposal id an Approve button carries, if the message has one. */
export function approveValue(call: SlackApiCall): string | undefined {
  const blocks = JSON.parse(call.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
  return blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === 'pinbot_approve')?.value;
}

/** POSTs of the pinned list that reached the simulator, in arrival order. */
export function listWrites(sim: Simulator) {
  return sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST');
}

/** Notices posted in the thread of the card at `ts`. */
export function threadReplies(slack: SlackApiServer, ts: string): SlackApiCall[] {
  return slack.callsTo('chat.postMessage').filter((call) => call.params['thread_ts'] === ts);
}

/** Edits of the card at `ts`. */
export function cardUpdates(slack: SlackApiServer, ts: string): SlackApiCall[] {
  return slack.callsTo('chat.update').filter((call) => call.params['ts'] === ts);
}
