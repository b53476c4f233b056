import { z } from 'zod';

/** Slack ids: users `U…`/`W…`, channels `C…`/`G…`/`D…`. Anything else is not from Slack. */
const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/);

/** The parts of a slash-command payload pinbot reads. */
export const slashCommandSchema = z.object({
  user_id: slackId,
  user_name: z.string().optional(),
  channel_id: slackId,
  text: z.string().default(''),
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

/** The parts of a `block_actions` payload from a button on a posted card. */
export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackId, username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: slackId }).optional(),
  container: z.object({ channel_id: slackId.optional(), message_ts: z.string().optional(), is_ephemeral: z.boolean().optional() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional(), type: z.string() }))
    .min(1),
});
export type BlockActionPayload = z.infer<typeof blockActionSchema>;

/** What `@slack/web-api` throws when Slack answers `ok: false`. */
const platformErrorSchema = z.object({
  code: z.literal('slack_webapi_platform_error'),
  data: z.object({ error: z.string() }),
});

/** Slack's error code (`not_in_channel`, …) of a failed Web API call, if it was Slack that refused. */
export function slackErrorCode(error: unknown): string | undefined {
  const parsed = platformErrorSchema.safeParse(error);
  return parsed.success ? parsed.data.data.error : undefined;
}
