import { afterEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../../src/core/domain/command.ts';
import { describeRegistration, registerCommands } from '../../../src/adapters/discord/register.ts';
import { APPLICATION_ID, GUILD_ID, startDiscordPeer, type DiscordPeer } from '../../helpers/discord-peer.ts';
import { DISCORD_TOKEN } from './use-discord.ts';

interface CommandOption {
  name: string;
  type: number;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string }[];
  options?: CommandOption[];
}

describe('registering /pins with Discord', () => {
  let peer: DiscordPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('puts the command in the guild when a guild id is set', async () => {
    peer = await startDiscordPeer();
    const registration = await registerCommands({ token: DISCORD_TOKEN, applicationId: APPLICATION_ID, guildId: GUILD_ID, apiUrl: peer.apiUrl });

    expect(peer.requests).toHaveLength(1);
    const [request] = peer.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.path).toBe(`/applications/${APPLICATION_ID}/guilds/${GUILD_ID}/commands`);
    expect(request?.authorization).toBe(`Bot ${DISCORD_TOKEN}`);
    const [pins] = request?.body as { name: string; contexts: number[]; options: CommandOption[] }[];
    expect(pins?.name).toBe('pins');
    expect(pins?.contexts).toEqual([0]);
    const subcommands = pins?.options ?? [];
    expect(subcommands.map((s) => s.name)).toEqual([...VERBS]);
    expect(subcommands.every((s) => s.type === 1)).toBe(true);

    const option = (sub: string, name: string) => subcommands.find((s) => s.name === sub)?.options?.find((o) => o.name === name);
    expect(option('compute', 'compute')?.choices).toEqual([{ name: 'cpu', value: 'cpu' }, { name: 'gpu', value: 'gpu' }]);
    expect(option('compute', 'compute')?.required).toBe(true);
    expect(option('add', 'compute')?.required).toBe(false);
    expect(option('add', 'models')).toMatchObject({ type: 3, required: true, autocomplete: false });
    expect(option('remove', 'models')).toMatchObject({ type: 3, required: true, autocomplete: true });
    expect(option('compute', 'models')?.autocomplete).toBe(true);
    expect(option('status', 'model')?.autocomplete).toBe(true);
    expect(option('revert', 'change')?.required).toBe(true);
    expect(option('schedule', 'schedule')).toMatchObject({ type: 3, required: true });
    expect(subcommands.find((s) => s.name === 'schedules')?.options ?? []).toEqual([]);
    expect(option('unschedule', 'id')).toMatchObject({ type: 3, required: true });

    expect(registration).toMatchObject({ target: 'guild', guildId: GUILD_ID, commands: ['pins'] });
    expect(describeRegistration(registration)).toContain(`in guild ${GUILD_ID}`);
    expect(describeRegistration(registration)).not.toContain(DISCORD_TOKEN);
  });

  it('puts the command globally without a guild id', async () => {
    peer = await startDiscordPeer();
    const registration = await registerCommands({ token: DISCORD_TOKEN, applicationId: APPLICATION_ID, apiUrl: peer.apiUrl });

    expect(peer.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /applications/${APPLICATION_ID}/commands`]);
    expect(registration.target).toBe('global');
    expect(describeRegistration(registration)).toContain('globally');
  });
});
