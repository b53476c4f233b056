import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnowflakeUtil } from 'discord.js';
import type { PeerMessage } from './discord-peer.ts';

/**
 * INTERACTION_CREATE payloads built from the recorded, discord.js-ready fixtures
 * (copied from shared/fixtures/discord; see test/fixtures/discord/README.md), with fresh
 * snowflakes so their timestamps are now, and unique tokens.
 */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'discord');
const slashFixture = JSON.parse(readFileSync(join(FIXTURES, 'slash-subcommand-interaction.discordjs-ready.json'), 'utf8')) as Record<string, unknown>;
const buttonFixture = JSON.parse(readFileSync(join(FIXTURES, 'button-click-interaction.discordjs-ready.json'), 'utf8')) as Record<string, unknown>;

export interface Member {
  readonly id: string;
  readonly username: string;
  readonly roles?: readonly string[];
}

export const ALICE: Member = { id: '444444444444444444', username: 'alice' };
export const BOB: Member = { id: '555555555555555555', username: 'bob' };

let tokenCounter = 0;

function base(fixture: Record<string, unknown>, member: Member): Record<string, unknown> {
  const fixtureMember = fixture['member'] as Record<string, unknown>;
  tokenCounter += 1;
  return {
    ...structuredClone(fixture),
    id: SnowflakeUtil.generate().toString(),
    token: `interaction-token-${tokenCounter}-${Math.random().toString(36).slice(2)}`,
    member: {
      ...structuredClone(fixtureMember),
      user: { id: member.id, username: member.username, discriminator: '0', global_name: member.username, avatar: null },
      roles: [...(member.roles ?? [])],
    },
  };
}

export type OptionValues = Record<string, string>;

/** `/pins <subcommand> [options]`. */
export function slashCommand(subcommand: string, options: OptionValues = {}, member: Member = ALICE): Record<string, unknown> {
  const payload = base(slashFixture, member);
  const data = payload['data'] as Record<string, unknown>;
  data['options'] = [{ type: 1, name: subcommand, options: Object.entries(options).map(([name, value]) => ({ type: 3, name, value })) }];
  return payload;
}

/** Typing in an autocompleted option: type 4, the focused option flagged. */
export function autocomplete(subcommand: string, option: string, typed: string, member: Member = ALICE): Record<string, unknown> {
  const payload = base(slashFixture, member);
  payload['type'] = 4;
  const data = payload['data'] as Record<string, unknown>;
  data['options'] = [{ type: 1, name: subcommand, options: [{ type: 3, name: option, value: typed, focused: true }] }];
  return payload;
}

/** A click on the button `customId` of `message`, as the peer stored it. */
export function buttonClick(message: PeerMessage, customId: string, member: Member = ALICE): Record<string, unknown> {
  const payload = base(buttonFixture, member);
  const fixtureMessage = buttonFixture['message'] as Record<string, unknown>;
  payload['message'] = { ...structuredClone(fixtureMessage), ...structuredClone(message) };
  // Discord sends a click from the channel its message is in.
  const channelId = message.channel_id;
  payload['channel_id'] = channelId;
  payload['channel'] = { ...(buttonFixture['channel'] as Record<string, unknown>), id: channelId };
  payload['data'] = { custom_id: customId, component_type: 2, id: 2 };
  return payload;
}

/** The custom ids of the buttons on a stored message. */
export function customIds(message: PeerMessage): string[] {
  const rows = message.components as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => (row.components ?? []).map((component) => component.custom_id ?? ''));
}
