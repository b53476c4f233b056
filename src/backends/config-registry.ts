import type { z } from 'zod';
import { backendConfig } from './backend-config.ts';
import { classicKeys, classicSettings } from './classic/config.ts';
import { endpointsKeys, endpointsSettings } from './endpoints/config.ts';

/** Every backend a scope may name with `backend:` in PINBOT_CONFIG, one line each. */
export const backendConfigs = [
  backendConfig('classic', classicKeys, classicSettings),
  backendConfig('endpoints', endpointsKeys, endpointsSettings),
] as const;

/** What a scope's backend section says, typed per backend: `{ kind: 'classic' } | { kind: 'endpoints'; namespace; maxWarm }`. */
export type BackendSettings = z.output<(typeof backendConfigs)[number]['section']>;
