import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { silentLogger, type Clock, type Logger } from '../../src/core/ports.ts';
import { createPrometheusMetrics } from '../../src/metrics.ts';
import { buildPinbot, type Pinbot } from '../../src/pinbot.ts';
import { serve, type Server } from '../../src/serve.ts';
import { testTempDir } from './temp-dir.ts';

export interface ServedPinbotOptions {
  /** The PINBOT_CONFIG file's text. */
  readonly configYaml: string;
  /** The environment besides PORT, DATABASE_URL and PINBOT_CONFIG: tokens, API URLs. */
  readonly env: Record<string, string>;
  /** Settings the environment cannot give, such as intervals below their floor. */
  readonly overrides?: Partial<Config>;
  /** Where pinbot logs; silent by default. */
  readonly logger?: Logger;
  /** The clock of the service and its follow-ups; the system clock unless a test moves time by hand. */
  readonly clock?: Clock;
  /** How often the schedule switcher looks for due switches (15 s unless set). */
  readonly scheduleTickMs?: number;
}

/**
 * pinbot as `npm start` builds it (config file, SQLite store, every configured platform), served in
 * this process on port 0, with the model-load poll shortened; `cleanups` gets its shutdown.
 */
export async function servePinbot(options: ServedPinbotOptions, cleanups: (() => Promise<void>)[]): Promise<{ pinbot: Pinbot; server: Server }> {
  const dir = testTempDir('pinbot-served-');
  const configFile = join(dir, 'pinbot.yml');
  writeFileSync(configFile, options.configYaml);
  const env = { ...options.env, PORT: '0', DATABASE_URL: join(dir, 'pinbot.sqlite'), PINBOT_CONFIG: configFile };
  const config: Config = { ...loadConfig(env), ...options.overrides };
  const logger = options.logger ?? silentLogger;
  const clock = options.clock !== undefined ? { clock: options.clock } : {};
  const pinbot = await buildPinbot(config, { env, logger, ...clock });
  const server = await serve(pinbot, config, logger, createPrometheusMetrics({ defaultMetrics: false }), {
    loadPollMs: 20, ...clock, ...(options.scheduleTickMs !== undefined ? { scheduleTickMs: options.scheduleTickMs } : {}),
  });
  cleanups.push(() => server.shutdown());
  return { pinbot, server };
}
