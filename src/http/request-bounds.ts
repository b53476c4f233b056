/** How long pinbot's HTTP servers wait for a request's headers, and for the whole request. */
export interface RequestBounds {
  readonly headersMs: number;
  readonly requestMs: number;
  /** How often node checks connections against both bounds, so a connection lasts at most a bound plus this. */
  readonly checkEveryMs: number;
}

/**
 * Slack sends each request whole and wants the answer within 3 s, and health checks and scrapes
 * are short GETs, so a client that trickles its headers or body is cut off after 10 s instead of
 * node's defaults (60 s for headers, 300 s for the request, checked every 30 s), which let one hold
 * a connection for minutes.
 */
export const REQUEST_BOUNDS: RequestBounds = { headersMs: 10_000, requestMs: 10_000, checkEveryMs: 1_000 };

/** The bounds as node's `http.createServer` options. */
export function serverBounds(bounds: RequestBounds): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  return { headersTimeout: bounds.headersMs, requestTimeout: bounds.requestMs, connectionsCheckingInterval: bounds.checkEveryMs };
}
