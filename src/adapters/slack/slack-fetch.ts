import { Agent, request } from 'undici';

/**
 * The `fetch` that Bolt's `respond()` and the Web API client call, on undici's `request()` over
 * one keep-alive agent with a bounded number of connections per origin. Global `fetch` spends
 * about three times the CPU per call (web streams; 2,000 POSTs 50 at a time on loopback: ~370 µs
 * against ~120 µs) on the thread that also acks Slack, and opens a connection for every call in
 * flight. Each answer's body is read in full before its `Response` is returned.
 *
 * Only what those two callers send is taken this way (a URL and a string body or none); anything
 * else goes to global `fetch` unchanged.
 *
 * Every message pinbot sends to Slack (posts, edits, `response_url` answers) passes here, so this
 * is where each body is scrubbed of the configured secrets: the last line of defence for text
 * that came from elsewhere (an upstream's error body echoing a token). Headers are left alone:
 * the bot token travels in `Authorization` on purpose.
 */
export interface SlackFetch {
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/** Connections kept per Slack origin (`slack.com`, `hooks.slack.com`). */
const CONNECTIONS_PER_ORIGIN = 16;
const KEEP_ALIVE_MS = 30_000;
/** Statuses whose `Response` may not carry a body. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export function createSlackFetch(scrub: (text: string) => string = (text) => text): SlackFetch {
  const agent = new Agent({ connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: KEEP_ALIVE_MS });

  const slackFetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string')) {
      return fetch(input, init);
    }
    const headers = plainHeaders(init?.headers);
    const answer = await request(String(input), {
      dispatcher: agent,
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      headers,
      ...(typeof body === 'string' ? { body: scrubBody(body, headers, scrub) } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
    });
    const bytes = await answer.body.arrayBuffer();
    return new Response(NULL_BODY_STATUS.has(answer.statusCode) ? null : bytes, {
      status: answer.statusCode,
      headers: responseHeaders(answer.headers),
    });
  };

  return {
    fetch: slackFetch,
    close: () => agent.close(),
  };
}

/**
 * The Web API client sends form fields (`blocks` as JSON text inside one), `response_url` answers
 * are JSON: a form is scrubbed field by field, decoded, so an encoded secret is found too. A
 * `token` field is the call's credential (`auth.test` sends the bot token so) and is left as is.
 */
function scrubBody(body: string, headers: Record<string, string>, scrub: (text: string) => string): string {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!type.includes('application/x-www-form-urlencoded')) return scrub(body);
  const fields = new URLSearchParams(body);
  let changed = false;
  for (const [name, value] of fields) {
    if (name === 'token') continue;
    const scrubbed = scrub(value);
    if (scrubbed === value) continue;
    fields.set(name, scrubbed);
    changed = true;
  }
  return changed ? fields.toString() : body;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(new Headers(headers).entries());
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? value : value.join(', ')]));
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) result.append(name, one);
  }
  return result;
}
