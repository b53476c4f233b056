import type { BackendModule } from '../backend-module.ts';
import { backendConfig } from '../backend-config.ts';
import { classicBackend, CLASSIC_KIND } from './backend.ts';
import { createHfClient } from './client.ts';
import { classicKeys, classicSettings, type ClassicSettings } from './config.ts';
import { PINNED_WORDS } from './words.ts';

/** The classic Inference API's pinned list, as the registry lists it. */
export const classic: BackendModule<typeof CLASSIC_KIND, ClassicSettings> = {
  config: backendConfig(CLASSIC_KIND, classicKeys, classicSettings),
  words: PINNED_WORDS,
  create: (_settings, connection) => classicBackend(createHfClient({
    baseUrl: connection.inferenceApiUrl,
    token: connection.token,
    logger: connection.logger,
    metrics: connection.metrics,
    scrub: connection.scrub,
  })),
};
