import type { BackendModule } from '../backend-module.ts';
import { backendConfig } from '../backend-config.ts';
import { endpointsBackend, ENDPOINTS_KIND } from './backend.ts';
import { createEndpointsClient } from './client.ts';
import { endpointsKeys, endpointsSettings, type EndpointsSettings } from './config.ts';
import { ENDPOINTS_WORDS } from './words.ts';

/** Inference Endpoints kept warm, as the registry lists it. */
export const endpoints: BackendModule<typeof ENDPOINTS_KIND, EndpointsSettings> = {
  config: backendConfig(ENDPOINTS_KIND, endpointsKeys, endpointsSettings),
  words: ENDPOINTS_WORDS,
  create: (settings, connection) => endpointsBackend(createEndpointsClient({
    baseUrl: connection.endpointsApiUrl,
    token: connection.token,
    namespace: settings.namespace,
    maxWarm: settings.maxWarm,
    ...(settings.maxCostPerHour !== undefined ? { maxCostPerHour: settings.maxCostPerHour } : {}),
    logger: connection.logger,
    metrics: connection.metrics,
    scrub: connection.scrub,
  }), settings.namespace, settings.idleAfterMs),
};
