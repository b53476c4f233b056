import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import type { ScheduleSwitcher } from '../../src/core/follow-ups/schedule-switcher.ts';
import { Notifier, type Notification } from '../../src/core/follow-ups/notifications.ts';
import { silentLogger, type ChannelRef, type Clock } from '../../src/core/ports.ts';
import type { ScheduleRequest } from '../../src/core/workflow/schedule-workflow.ts';
import { startEndpointsSimulator, type EndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../src/backends/endpoints/words.ts';
import { createScheduleSwitcher } from '../../src/follow-ups.ts';
import { buildPinbot, type Pinbot } from '../../src/pinbot.ts';
import { recordingChannel } from './recording-channel.ts';

/**
 * Several pinbot processes' worth of schedules in one process: each replica is built as
 * `src/main.ts` builds it (its own store connections, backend client and notifier) and runs its own
 * schedule switcher; they share one PostgreSQL schema and one Endpoints simulator.
 */

/** The Endpoints token of the shared namespace; no vitest import here, so the bench can use these helpers too. */
export const SCHEDULE_TOKEN = 'hf_ScheduleReplicasNotSecret000000000';
export const SCHEDULE_SCOPE = 'inference';
export const SCHEDULE_NAMESPACE = 'acme';
export const SCHEDULE_CHANNEL: ChannelRef = { platform: 'slack', channelId: 'C0SCHEDULE' };
const ALICE = { platform: 'slack', userId: 'U0ALICE' } as const;
const BOB = { platform: 'slack', userId: 'U0BOB' } as const;

/** `ep-000`, `ep-001`, …: the endpoint names of a namespace of `count`. */
export function endpointNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `ep-${String(i).padStart(3, '0')}`);
}

/** `count` cold endpoints (scaled to zero after 15 minutes) in one namespace, for `SCHEDULE_TOKEN`. */
export function startColdNamespace(count: number, warmupMs: number): Promise<EndpointsSimulator> {
  return startEndpointsSimulator({
    warmupMs,
    accounts: {
      [SCHEDULE_TOKEN]: {
        namespace: SCHEDULE_NAMESPACE,
        endpoints: endpointNames(count).map((name) => ({ name, repository: `org/${name}`, minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 })),
      },
    },
  });
}

/** The environment of a pinbot with one Endpoints scope on the simulator, `max_warm` high enough for every endpoint. */
export function scheduleScopeEnv(dir: string, simulatorUrl: string, databaseUrl: string, maxWarm: number): Record<string, string> {
  const configFile = join(dir, 'pinbot.yml');
  writeFileSync(configFile, [
    'scopes:',
    `  - name: ${SCHEDULE_SCOPE}`,
    '    token_env: HF_TOKEN_ENDPOINTS',
    '    backend: endpoints',
    `    namespace: ${SCHEDULE_NAMESPACE}`,
    `    max_warm: ${maxWarm}`,
    '    timezone: UTC',
    '',
  ].join('\n'));
  return { HF_TOKEN_ENDPOINTS: SCHEDULE_TOKEN, HF_ENDPOINTS_API_URL: simulatorUrl, HF_HUB_URL: 'off', PORT: '0', DATABASE_URL: databaseUrl, PINBOT_CONFIG: configFile };
}

export interface ScheduleReplica {
  readonly pinbot: Pinbot;
  readonly switcher: ScheduleSwitcher;
  /** Every notice this replica's notifier delivered (each claimed in the shared ledger first). */
  readonly delivered: Notification[];
  close(): Promise<void>;
}

/** One replica: pinbot on `clock`, with its switcher (`tickMs` between passes once started) and a recording chat channel. */
export async function startScheduleReplica(env: Record<string, string>, clock: Clock, tickMs?: number): Promise<ScheduleReplica> {
  const pinbot = await buildPinbot(loadConfig(env), { env, logger: silentLogger, clock });
  const notifier = new Notifier(pinbot.store.once, silentLogger);
  const chat = recordingChannel('slack');
  notifier.addChannel(chat);
  const switcher = createScheduleSwitcher(pinbot, { notifier, clock, logger: silentLogger }, tickMs);
  let closed: Promise<void> | undefined;
  return {
    pinbot,
    switcher,
    delivered: chat.delivered,
    // A replica stopped mid-test is closed again by the test's cleanup: once is enough.
    close: () => (closed ??= switcher.stop().then(() => pinbot.close())),
  };
}

/** The schedule card's message, as a chat adapter attaches it: the switch lines reply under it. */
export const cardRef = (proposalId: string) => `${SCHEDULE_CHANNEL.channelId}:card-${proposalId}`;

/**
 * Proposes `schedule <entry> warm <window>` for each entry and approves it, as people would: each
 * proposed on one replica and approved on the other, `lanes` at a time. Returns the approved
 * schedules' proposals (a schedule's id is its proposal's).
 */
export async function approveSchedules(replicas: readonly [ScheduleReplica, ScheduleReplica], entries: readonly string[], window: string, lanes = 4): Promise<Proposal[]> {
  const approved: Proposal[] = [];
  const queue = [...entries.entries()];
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [index, entry] = next;
      const [proposer, approver] = index % 2 === 0 ? replicas : [replicas[1], replicas[0]];
      const command = parseCommand(`schedule ${entry} warm ${window}`, ENDPOINT_COMMAND_WORDS) as ScheduleRequest;
      const proposal = await proposer.pinbot.service.propose(command, { scope: SCHEDULE_SCOPE, principal: ALICE, channel: SCHEDULE_CHANNEL });
      await proposer.pinbot.service.attachMessage(proposal.id, cardRef(proposal.id));
      const result = await approver.pinbot.service.approve(proposal.id, BOB);
      if (result.proposal.state !== 'applied') throw new Error(`schedule of ${entry} was not started: ${result.proposal.state}`);
      approved.push(result.proposal);
    }
  }));
  return approved;
}
