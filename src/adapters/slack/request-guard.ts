import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { defaultBodyLimit, HTTPModuleFunctions, isRawBodyError, isValidSlackRequest, type BufferedIncomingMessage } from '@slack/bolt';
import type { Logger } from '../../core/ports.ts';

/** Slack's replay window (notes/slack.md §5): a timestamp more than five minutes off, either way, is refused. */
const MAX_CLOCK_SKEW_SEC = 5 * 60;

export interface SlackRequestGuardOptions {
  readonly signingSecret: string;
  /** The events path Bolt serves, e.g. `/slack/events`. */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly nowMs?: () => number;
}

/**
 * What Bolt's HTTPReceiver leaves open on `POST /slack/events`, checked before it sees the request:
 * a timestamp from the future (Bolt refuses only stale ones), and a signed body that parses to no
 * object (`payload=null`), which Bolt reads in a promise nobody awaits and never answers. The body
 * is buffered here, where Bolt looks for it, so Bolt still verifies and parses the same bytes.
 */
export function guardSlackEvents(next: RequestListener, options: SlackRequestGuardOptions): RequestListener {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'POST' || path !== options.endpoint) {
      // Synchronous, so Bolt's own dispatch error handler still answers unknown paths.
      next(request, response);
      return;
    }
    screen(request, response, next, options).catch((error: unknown) => {
      options.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'slack request could not be screened');
      refuse(response, 400);
    });
  };
}

async function screen(request: IncomingMessage, response: ServerResponse, next: RequestListener, options: SlackRequestGuardOptions): Promise<void> {
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  const nowSec = Math.floor((options.nowMs ?? Date.now)() / 1000);
  if (Number.isFinite(timestamp) && Math.abs(nowSec - timestamp) > MAX_CLOCK_SKEW_SEC) {
    options.logger.warn({ skewSeconds: timestamp - nowSec }, 'slack request refused: timestamp more than five minutes from now');
    refuse(response, 401);
    return;
  }
  let buffered: BufferedIncomingMessage;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(request, defaultBodyLimit);
  } catch (error) {
    const tooLarge = isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
    options.logger.warn({ tooLarge }, 'slack request body could not be read');
    refuse(response, tooLarge ? 413 : 400);
    return;
  }
  if (!parsesToObject(buffered) && isSigned(buffered, options.signingSecret)) {
    options.logger.warn({}, 'slack request refused: its body is not an object');
    refuse(response, 400);
    return;
  }
  // Anything else is Bolt's to verify (401), parse (400) and dispatch, on the buffered body.
  next(buffered, response);
}

/** Bolt's own parse of the body: true when it yields an object, or fails in a way Bolt answers itself. */
function parsesToObject(request: BufferedIncomingMessage): boolean {
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(request);
  } catch {
    return true;
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function isSigned(request: IncomingMessage & { rawBody: Buffer }, signingSecret: string): boolean {
  const signature = request.headers['x-slack-signature'];
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return false;
  return isValidSlackRequest({
    signingSecret,
    body: request.rawBody.toString(),
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
  });
}

function refuse(response: ServerResponse, status: number): void {
  if (response.headersSent) return;
  response.writeHead(status);
  response.end();
}
