import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REQUEST_BOUNDS, serverBounds, type RequestBounds } from './request-bounds.ts';

/** A plain GET route served beside the chat endpoints: health, readiness, metrics. */
export interface OpsRoute {
  readonly path: string;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface Readiness {
  readonly ready: boolean;
  /** Each dependency and whether it is usable: `store`, `slack`, `discord`. */
  readonly checks: Readonly<Record<string, boolean>>;
  /** Why a check fails, when it is known (e.g. a platform start-up is still waiting for). */
  readonly reasons?: Readonly<Record<string, string>>;
}

export interface OpsRouteSources {
  /** Whether the store answers and the platforms are connected. */
  readonly readiness: () => Promise<Readiness>;
  readonly metrics?: { render(): Promise<string>; readonly contentType: string };
}

export const HEALTH_ROUTE: OpsRoute = {
  path: '/healthz',
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  },
};

/** `/healthz` (the process is up), `/readyz` (it can do its work) and `/metrics`. */
export function createOpsRoutes(sources: OpsRouteSources): OpsRoute[] {
  const routes: OpsRoute[] = [
    HEALTH_ROUTE,
    {
      path: '/readyz',
      handler: (_req, res) => {
        sources.readiness().then(
          (readiness) => {
            res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify(readiness));
          },
          () => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ready: false, checks: {} }));
          },
        );
      },
    },
  ];
  if (sources.metrics) routes.push(metricsRoute(sources.metrics));
  return routes;
}

/** `/metrics`: beside the other routes, or alone on a port of its own (`METRICS_PORT`). */
export function metricsRoute(metrics: NonNullable<OpsRouteSources['metrics']>): OpsRoute {
  return {
    path: '/metrics',
    handler: (_req, res) => {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    },
  };
}

/** Serves only `routes`, for when no Slack HTTP receiver owns the port (and `/metrics` on its own port). */
export async function startOpsServer(
  routes: readonly OpsRoute[],
  port: number,
  host?: string,
  bounds: RequestBounds = REQUEST_BOUNDS,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(serverBounds(bounds), (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = req.method === 'GET' ? routes.find((candidate) => candidate.path === path) : undefined;
    if (route) return route.handler(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host !== undefined ? { host } : {}) }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
