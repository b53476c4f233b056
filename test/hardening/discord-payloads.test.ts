import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/core/domain/actions.ts';
import { buttonClick, slashCommand } from '../helpers/discord-interactions.ts';
import { CHANNEL_ID, type PeerMessage } from '../helpers/discord-peer.ts';
import { TOKEN } from '../helpers/pinbot-harness.ts';
import { body, DISCORD_TOKEN, useDiscord, waitForRequest, type DiscordWorld } from '../adapters/discord/use-discord.ts';

/** A message with a button, as a client would send it back in a click. */
const CARD: PeerMessage = { id: '900000000000000001', channel_id: CHANNEL_ID, content: '', embeds: [], components: [], flags: 0 };

/** Dispatches an interaction and returns the text of the first private answer it gets. */
async function answerTo(world: DiscordWorld, interaction: Record<string, unknown>): Promise<string> {
  const token = String(interaction['token']);
  world.peer.dispatch(interaction);
  const reply = await waitForRequest(world.peer, `an answer to ${token.slice(0, 24)}`, (r) =>
    r.path.includes(token) && (r.method === 'PATCH' || (r.path.endsWith('/callback') && Number(body(r)['type']) === 4)));
  const b = body(reply);
  const message = (reply.path.endsWith('/callback') ? b['data'] : b) as Record<string, unknown> | undefined;
  return `${String(message?.['content'] ?? '')} ${JSON.stringify(message?.['embeds'] ?? [])}`;
}

async function expectStillServing(world: DiscordWorld): Promise<void> {
  expect(await answerTo(world, slashCommand('list'))).toMatch(/gpt2/);
}

function expectSaneLogs(world: DiscordWorld): void {
  const logs = JSON.stringify(world.pinbot.logLines);
  expect(logs).not.toContain(TOKEN);
  expect(logs).not.toContain(DISCORD_TOKEN);
  expect(logs).not.toContain('interaction-token-');
  for (const line of world.pinbot.logLines) expect(JSON.stringify(line).length).toBeLessThan(20_000);
}

describe('malformed and oversized Discord interactions', () => {
  const start = useDiscord();

  it('missing options, unknown subcommands and no subcommand at all get a private sentence, nothing is written', async () => {
    const world = await start();

    const missing = await answerTo(world, slashCommand('add'));
    const unknown = await answerTo(world, slashCommand('explode', { model: 'gpt2' }));
    const noSubcommand = slashCommand('list');
    (noSubcommand['data'] as Record<string, unknown>)['options'] = [];
    const none = await answerTo(world, noSubcommand);
    const wrongType = slashCommand('add');
    (wrongType['data'] as Record<string, unknown>)['options'] = [{ type: 1, name: 'add', options: [{ type: 3, name: 'models', value: 12345 }] }];
    const numeric = await answerTo(world, wrongType);

    expect(missing).toMatch(/add/);
    expect(unknown).toMatch(/explode|not a command|Unknown|command/i);
    expect(none.trim().length).toBeGreaterThan(0);
    expect(numeric.trim().length).toBeGreaterThan(0);
    expect(world.pinbot.writes()).toEqual([]);
    await expectStillServing(world);
    expectSaneLogs(world);
  });

  it('an absurdly long option value is refused as too long, briefly', async () => {
    const world = await start();

    const reply = await answerTo(world, slashCommand('add', { models: `org/${'m'.repeat(100_000)}` }));

    expect(reply).toMatch(/too long/);
    expect(reply.length).toBeLessThan(5000);
    expect(world.pinbot.clientRequests()).toEqual([]);
    await expectStillServing(world);
    expectSaneLogs(world);
  });

  it('a button whose custom id is not pinbot’s, or carries a bad proposal id, is answered and does nothing', async () => {
    const world = await start();

    const foreign = await answerTo(world, buttonClick(CARD, 'someone-else:do-it'));
    const garbage = await answerTo(world, buttonClick(CARD, `pinbot:approve:${'x'.repeat(90)}`));
    const unknownProposal = await answerTo(world, buttonClick(CARD, encodeAction('approve', 'pDoesNotExist1')));

    expect(foreign).toMatch(/not one pinbot understands/);
    expect(garbage).toMatch(/not one pinbot understands|no longer exists/);
    expect(unknownProposal).toMatch(/no longer exists/);
    expect(world.pinbot.writes()).toEqual([]);
    await expectStillServing(world);
    expectSaneLogs(world);
  });
});
