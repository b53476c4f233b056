import type { RespondFn, webApi } from '@slack/bolt';
import { drawUsageChart } from '../../charts/usage-chart.ts';
import type { Logger } from '../../core/ports.ts';
import type { UsageReport } from '../../core/domain/usage.ts';
import { code, text, type Line, type Message } from '../../core/domain/ui.ts';
import { renderMessageBlocks } from './render-blocks.ts';
import { describeFailure, respondWith } from './slack-messages.ts';
import { slackErrorCode } from './schema.ts';

/** Who asked for a usage report, and how to answer them. */
export interface UsageChartTarget {
  readonly client: webApi.WebClient;
  /** The command's `response_url`: the private note saying where the chart went. */
  readonly respond: RespondFn;
  /** The asker: the chart goes to their direct messages with pinbot. */
  readonly userId: string;
  /** Said first in everything sent (the sandbox's marker), or nothing. */
  readonly marker: Line | undefined;
  readonly logger: Logger;
}

/** What Slack answers when the app was installed before it asked for these scopes. */
const REINSTALL_CODES = new Set(['missing_scope', 'not_allowed_token_type']);

/**
 * Sends a usage report's chart to the person who asked, as a PNG file. The `usage` answer is
 * private, but a Slack file cannot be ephemeral: shared in the channel, everyone there would see
 * it. So it goes where only the asker reads it, their direct messages with pinbot (upload flow:
 * `files.getUploadURLExternal`, the bytes, `files.completeUploadExternal`), and a private note in
 * the channel says so. Nothing is sent for a report with nothing to draw. Never throws: a chart
 * that cannot be sent is told to the asker, privately, with what to do about it.
 */
export async function sendUsageChart(target: UsageChartTarget, report: UsageReport): Promise<void> {
  if (report.kind !== 'report') return;
  const { client, respond, marker, logger } = target;
  try {
    const chart = await drawUsageChart(report);
    const opened = await client.conversations.open({ users: target.userId });
    const channel = opened.channel?.id;
    if (channel === undefined) throw new Error('conversations.open returned no channel');
    await client.files.uploadV2({
      channel_id: channel,
      file: chart.png,
      filename: chart.fileName,
      title: chart.altText,
      alt_text: chart.altText,
      initial_comment: renderMessageBlocks(caption(report.scope), marker).text,
    });
    logger.info({ bytes: chart.png.length, period: report.period }, 'usage chart sent to the asker’s direct messages');
    await respondWith(respond, sentNote(), marker, logger);
  } catch (error) {
    const slackCode = slackErrorCode(error);
    logger.warn({ error: describeFailure(error) }, 'usage chart could not be sent');
    await respondWith(respond, notSent(slackCode), marker, logger);
  }
}

function caption(scope: string): Message {
  return { visibility: 'private', lines: [[text('Usage chart for scope '), code(scope), text(', as you asked.')]] };
}

function sentNote(): Message {
  return { visibility: 'private', lines: [[text('The chart is in your direct messages with pinbot: Slack files cannot be shown to you alone here.')]] };
}

function notSent(slackCode: string | undefined): Message {
  const why = slackCode !== undefined && REINSTALL_CODES.has(slackCode)
    ? [text('pinbot’s Slack app lacks the '), code('files:write'), text(' or '), code('im:write'), text(' permission; ask whoever runs pinbot to reinstall it from its manifest.')]
    : [text('Slack refused it'), ...(slackCode !== undefined ? [text(' ('), code(slackCode), text(')')] : []), text('; the usage answer itself is complete without it.')];
  return { visibility: 'private', isError: true, lines: [[text('The usage chart could not be sent to your direct messages. '), ...why]] };
}
