import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { SLASH_COMMAND } from '../../../src/adapters/slack/handler-deps.ts';

const httpUrl = z.string().regex(/^https?:\/\//).max(3000);

/** The constraints of slackapi/manifest-schema `manifest.schema.1.0.0.json` for the keys pinbot uses (notes/slack.md §7). */
const manifestSchema = z.strictObject({
  _metadata: z.strictObject({ major_version: z.int(), minor_version: z.int() }).optional(),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140).optional(),
    background_color: z.string().regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/).optional(),
    long_description: z.string().min(175).max(4000).optional(),
  }),
  features: z.strictObject({
    bot_user: z.strictObject({ display_name: z.string().min(1).max(80), always_online: z.boolean().optional() }),
    slash_commands: z
      .array(z.strictObject({
        command: z.string().min(2).max(32).regex(/^\//),
        url: httpUrl.optional(),
        description: z.string().min(1).max(2000),
        usage_hint: z.string().min(1).max(1000).optional(),
        should_escape: z.boolean().optional(),
      }))
      .min(1)
      .max(50),
  }),
  oauth_config: z.strictObject({
    scopes: z.strictObject({ bot: z.array(z.string().max(50)).max(255) }),
  }),
  settings: z.strictObject({
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: httpUrl.max(3500).optional() }),
    org_deploy_enabled: z.boolean().optional(),
    socket_mode_enabled: z.boolean().optional(),
    token_rotation_enabled: z.boolean().optional(),
  }),
});

const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'manifest.yml'), 'utf8')) as unknown;

describe('manifest.yml', () => {
  it('passes the manifest schema constraints: required fields, lengths, the command pattern, URL patterns', () => {
    const result = manifestSchema.safeParse(manifest);
    expect(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([]);
  });

  it('declares the one slash command the adapter listens to, and the scopes it needs', () => {
    const parsed = manifestSchema.parse(manifest);
    expect(parsed.features.slash_commands.map((command) => command.command)).toEqual([SLASH_COMMAND]);
    expect(parsed.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'files:write', 'im:write']));
  });

  it('sends commands and button clicks to the events endpoint over HTTPS with interactivity on', () => {
    const parsed = manifestSchema.parse(manifest);
    expect(parsed.settings.interactivity.is_enabled).toBe(true);
    expect(parsed.settings.socket_mode_enabled).toBe(false);
    expect(parsed.features.slash_commands[0]?.url).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(parsed.settings.interactivity.request_url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it('would reject what Slack rejects', () => {
    const broken = structuredClone(manifestSchema.parse(manifest));
    const tooLong = { ...broken, display_information: { name: 'x'.repeat(36) } };
    const noSlash = { ...broken, features: { ...broken.features, slash_commands: [{ command: 'pins', description: 'd' }] } };
    const noInteractivityFlag = { ...broken, settings: { interactivity: {} } };
    for (const candidate of [tooLong, noSlash, noInteractivityFlag]) expect(manifestSchema.safeParse(candidate).success).toBe(false);
  });
});
