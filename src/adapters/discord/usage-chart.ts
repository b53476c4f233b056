import { AttachmentBuilder, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { drawUsageChart } from '../../charts/usage-chart.ts';
import type { Logger } from '../../core/ports.ts';
import type { UsageReport } from '../../core/domain/usage.ts';
import { code, text, type Line, type Message } from '../../core/domain/ui.ts';
import { errorFields } from './discord-errors.ts';
import { renderMessage } from './render-embed.ts';
import { attempt } from './respond.ts';

/**
 * Sends a usage report's chart as a PNG attachment on a private follow-up to the interaction, so
 * it stays as private as the `usage` answer it goes with (Discord, unlike Slack, shows files in
 * ephemeral messages). The interaction must have been acknowledged. Nothing is sent for a report
 * with nothing to draw. Never throws: a chart that cannot be drawn is told to the asker instead.
 */
export async function sendUsageChart(
  interaction: ChatInputCommandInteraction | ButtonInteraction, report: UsageReport, marker: Line | undefined, log: Logger,
): Promise<void> {
  if (report.kind !== 'report') return;
  let chart: Awaited<ReturnType<typeof drawUsageChart>>;
  try {
    chart = await drawUsageChart(report);
  } catch (error) {
    log.error(errorFields(error), 'usage chart could not be drawn');
    await attempt(log, 'followUp', () => interaction.followUp({ ...renderMessage(notDrawn(), marker), flags: MessageFlags.Ephemeral }));
    return;
  }
  const file = new AttachmentBuilder(chart.png, { name: chart.fileName, description: chart.altText });
  const sent = await attempt(log, 'followUp', () => interaction.followUp({ ...renderMessage(caption(report.scope), marker), files: [file], flags: MessageFlags.Ephemeral }));
  if (sent) log.info({ bytes: chart.png.length, period: report.period }, 'usage chart sent');
}

function caption(scope: string): Message {
  return { visibility: 'private', lines: [[text('Usage chart for scope '), code(scope), text('.')]] };
}

function notDrawn(): Message {
  return { visibility: 'private', isError: true, lines: [[text('The usage chart could not be drawn; the usage answer itself is complete without it.')]] };
}
