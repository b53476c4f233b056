import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'slack');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** `v0=` + hex(HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`)), notes/slack.md §5. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The headers Slack signs a request with, for `body` sent now. */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

export interface SlackUser {
  readonly id: string;
  readonly username: string;
}

/** A slash-command form body with the fields (and order) of the recorded one. */
export function commandBody(fields: { text: string; user: SlackUser; channelId: string; responseUrl: string }): string {
  const recorded = new URLSearchParams(fixture('slash-command.signed-raw-body.txt'));
  recorded.set('team_id', 'T0PINBOT');
  recorded.set('team_domain', 'pinbot-test');
  recorded.set('channel_id', fields.channelId);
  recorded.set('channel_name', 'pins');
  recorded.set('user_id', fields.user.id);
  recorded.set('user_name', fields.user.username);
  recorded.set('command', '/pins');
  recorded.set('text', fields.text);
  recorded.set('response_url', fields.responseUrl);
  recorded.set('api_app_id', 'A0PINBOT');
  return recorded.toString();
}

/** A `block_actions` payload shaped like the recorded one, from a button on a Block Kit message. */
export function buttonPayload(fields: {
  actionId: string; value: string; user: SlackUser; channelId: string; messageTs: string; responseUrl: string;
}): Record<string, unknown> {
  const recorded = JSON.parse(fixture('block_actions.message.docs.json')) as Record<string, unknown>;
  return {
    ...recorded,
    team: { id: 'T0PINBOT', domain: 'pinbot-test' },
    user: { id: fields.user.id, username: fields.user.username, name: fields.user.username, team_id: 'T0PINBOT' },
    api_app_id: 'A0PINBOT',
    container: { type: 'message', message_ts: fields.messageTs, channel_id: fields.channelId, is_ephemeral: false },
    channel: { id: fields.channelId, name: 'pins' },
    message: { bot_id: 'BBOT', type: 'message', text: 'card', user: 'UBOT', ts: fields.messageTs },
    response_url: fields.responseUrl,
    actions: [{
      action_id: fields.actionId,
      block_id: 'pinbot_actions',
      text: { type: 'plain_text', text: 'Approve', emoji: true },
      value: fields.value,
      type: 'button',
      action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    }],
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
  };
}

export function actionBody(payload: Record<string, unknown>): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface SignedPostOptions {
  /** Seconds since the epoch; default now. */
  readonly timestamp?: number;
  /** Overrides the computed signature. */
  readonly signature?: string;
}

/** POSTs a body to Bolt as Slack does: signed, with exactly `application/x-www-form-urlencoded`. */
export async function postSigned(url: string, secret: string, body: string, options: SignedPostOptions = {}): Promise<{ status: number; text: string }> {
  const headers = signedHeaders(secret, body, options.timestamp);
  if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}
