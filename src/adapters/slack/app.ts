import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type webApi } from '@slack/bolt';
import type { SlackConfig } from '../../config.ts';
import type { Notification, Notifier } from '../../core/follow-ups/notifications.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger, ScopeResolver } from '../../core/ports.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { Line } from '../../core/domain/ui.ts';
import { registerActions } from './action-handler.ts';
import { createBoltLogger } from './bolt-logger.ts';
import { registerCommand } from './command-handler.ts';
import type { SlackHandlerDeps } from './handler-deps.ts';
import { HEALTH_ROUTE, startOpsServer, type OpsRoute } from '../../http/ops-routes.ts';
import { REQUEST_BOUNDS, serverBounds, type RequestBounds } from '../../http/request-bounds.ts';
import { createAckFirst } from '../ack-first.ts';
import { createInFlight } from './in-flight.ts';
import { guardSlackEvents } from './request-guard.ts';
import { createSlackFetch } from './slack-fetch.ts';
import { noGroups, slackUserGroups, type GroupsOf } from './user-groups.ts';
import { deliverNotification, describeFailure } from './slack-messages.ts';
import { slackCardSurface } from './slack-surface.ts';
import { redrawCard } from '../../core/interaction/card-redraw.ts';
import { slackStartError } from './start-error.ts';
import { startWithRetry, type RetryOptions } from '../start-with-retry.ts';
import { SecretScrubber } from '../../secrets.ts';
import { escapeMrkdwn } from './render-blocks.ts';

export interface StartSlackOptions {
  readonly service: PinningService;
  readonly scopeFor: ScopeResolver;
  readonly config: SlackConfig;
  /** HTTP port: `POST /slack/events` (HTTP mode) and `GET /healthz` (both modes). 0 picks a free one. */
  readonly port: number;
  readonly logger: Logger;
  readonly host?: string;
  /** Look up users' Slack user groups (needs `usergroups:read`), for policies that name groups. */
  readonly lookUpUserGroups?: boolean;
  /** GET routes served on the same port: `/healthz` by default; `/readyz` and `/metrics` from the composition root. */
  readonly routes?: readonly OpsRoute[];
  /**
   * Announces a clicked proposal's outcome through this notifier (keyed `settled:<id>`), so a
   * proposal settled elsewhere too is told once. Without it the click posts the outcome itself.
   */
  readonly notifier?: Notifier;
  /** How start-up waits for a Slack it cannot reach yet (a refused token fails at once). */
  readonly retry?: Omit<RetryOptions, 'logger'>;
  /** Bounds on receiving a request in HTTP mode; `REQUEST_BOUNDS` unless set (tests shorten them). */
  readonly httpTimeouts?: RequestBounds;
  /** Every configured secret, scrubbed from each body sent to Slack; the Slack tokens and signing secret always are. */
  readonly secrets?: SecretScrubber;
  /** Said first in every card and message the app posts: the sandbox's marker (`SANDBOX_MARKER`). */
  readonly marker?: Line;
}

const EVENTS_PATH = '/slack/events';

export interface SlackHandle {
  /** The port actually listened on. */
  readonly port: number;
  /**
   * Redraws a Slack proposal's card in its current state, for proposals settled outside a click
   * (e.g. those `service.expireDue()` returns). Does nothing for cards on other platforms.
   */
  refreshCard(proposal: Proposal): Promise<void>;
  /** Posts a notification to its Slack channel (in the card's thread when it follows one up); throws when Slack refuses. */
  deliver(notification: Notification): Promise<void>;
  /** Stops taking requests, waits for work already acknowledged, then closes. */
  stop(): Promise<void>;
}

/** How long `stop()` waits for acknowledged work (a card update, an apply) to finish. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Starts pinbot on Slack: HTTP mode (`POST /slack/events`, signatures checked by Bolt) with a bot
 * token and signing secret, or Socket Mode when an app token is set too.
 */
export async function startSlack(options: StartSlackOptions): Promise<SlackHandle> {
  const { config } = options;
  if (config.appToken === undefined && config.signingSecret === undefined) {
    throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode).');
  }
  // The fetch's connections close here, once: after the app stops, or when start-up fails.
  const secrets = options.secrets ?? new SecretScrubber();
  secrets.add([config.botToken, config.signingSecret, config.appToken]);
  const slackFetch = createSlackFetch(secrets.encodedAs(escapeMrkdwn));
  try {
    const handle = await startSlackApp(options, slackFetch.fetch);
    return {
      ...handle,
      stop: async () => {
        await handle.stop();
        await slackFetch.close();
      },
    };
  } catch (error) {
    await slackFetch.close();
    throw error;
  }
}

async function startSlackApp(options: StartSlackOptions, fetchFn: typeof fetch): Promise<SlackHandle> {
  const { config } = options;
  const logger = options.logger.child({ platform: 'slack' });
  const socketMode = config.appToken !== undefined;
  const routes = options.routes ?? [HEALTH_ROUTE];
  const ackFirst = createAckFirst();
  const inFlight = createInFlight(logger, ackFirst.turn);
  let groupsOf: GroupsOf = noGroups;
  const deps: SlackHandlerDeps = {
    service: options.service, scopeFor: options.scopeFor, logger, track: inFlight.track, turn: ackFirst.turn, groupsOf: (userId) => groupsOf(userId),
    ...(options.notifier !== undefined ? { notifier: options.notifier } : {}),
    marker: options.marker,
  };

  const boltLogger = createBoltLogger(logger, [config.botToken, config.signingSecret, config.appToken]);
  const app = new App({
    token: config.botToken,
    ...(socketMode
      ? { socketMode: true, appToken: config.appToken }
      : { receiver: httpReceiver(config.signingSecret ?? '', routes, boltLogger, logger) }),
    logger: boltLogger,
    logLevel: LogLevel.WARN,
    clientOptions: webClientOptions(config.apiUrl, fetchFn),
    convoStore: false,
    // auth.test runs in init(), so a wrong bot token fails start-up instead of the first click.
    deferInitialization: true,
  });
  app.error(async (error) => {
    logger.error({ code: error.code, error: describeFailure(error) }, 'slack listener error');
  });
  if (options.lookUpUserGroups === true) groupsOf = slackUserGroups(app.client, logger);
  registerCommand(app, deps);
  registerActions(app, deps);
  // While Slack cannot be reached, /healthz and /readyz answer on the port Slack will use.
  let waiting: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  const init = async (): Promise<void> => {
    try {
      await app.init();
    } catch (error) {
      const failure = slackStartError(error, config.apiUrl);
      if (!failure.fatal && waiting === undefined) {
        waiting = await startOpsServer(routes, options.port, options.host);
        logger.info({ port: waiting.port }, 'serving /healthz and /readyz while Slack cannot be reached');
      }
      throw failure;
    }
  };
  try {
    await startWithRetry(init, { ...options.retry, logger });
  } catch (error) {
    await waiting?.close();
    throw error;
  }

  const cards = slackCardSurface(app.client, options.marker, logger);
  const refreshCard = (proposal: Proposal): Promise<void> => redrawCard(cards, proposal);
  const deliver = (notification: Notification): Promise<void> => deliverNotification(app.client, notification, options.marker);

  if (socketMode) {
    // Bolt's Socket Mode receiver would listen on every interface and hide its port; ours honours `host`.
    const health = waiting ?? await startOpsServer(routes, options.port, options.host);
    try {
      await app.start();
    } catch (error) {
      await health.close();
      throw error;
    }
    logger.info({ port: health.port, mode: 'socket' }, 'slack adapter started');
    return {
      port: health.port,
      refreshCard,
      deliver,
      stop: async () => {
        await app.stop();
        await inFlight.drain(DRAIN_TIMEOUT_MS);
        await health.close();
      },
    };
  }

  // Handed over from the waiting server, so a port picked at random (0) stays the same.
  await waiting?.close();
  const server = (await app.start(
    { port: waiting?.port ?? options.port, ...(options.host !== undefined ? { host: options.host } : {}) },
    serverBounds(options.httpTimeouts ?? REQUEST_BOUNDS),
  )) as Server;
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    const answered = ackFirst.hold();
    response.once('finish', answered);
    response.once('close', answered);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, mode: 'http' }, 'slack adapter started');
  return {
    port,
    refreshCard,
    deliver,
    stop: async () => {
      const closed = app.stop();
      server.closeIdleConnections();
      await inFlight.drain(DRAIN_TIMEOUT_MS);
      await closed;
    },
  };
}

/** Bolt's HTTP receiver, behind the checks it leaves out (request-guard.ts). */
function httpReceiver(signingSecret: string, routes: readonly OpsRoute[], boltLogger: ReturnType<typeof createBoltLogger>, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: [EVENTS_PATH],
    customRoutes: routes.map((route) => ({ path: route.path, method: ['GET'], handler: route.handler })),
    logger: boltLogger,
  });
  receiver.requestListener = guardSlackEvents(receiver.requestListener, { signingSecret, endpoint: EVENTS_PATH, logger });
  return receiver;
}

/** Interactive paths must not wait half an hour on retries (notes/slack.md §5). */
export function webClientOptions(apiUrl: string | undefined, fetchFn?: typeof fetch): webApi.WebClientOptions {
  return {
    ...(fetchFn !== undefined ? { fetch: fetchFn } : {}),
    ...(apiUrl !== undefined ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    retryConfig: { retries: 1 },
    timeout: 5000,
    rejectRateLimitedCalls: true,
  };
}
