import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { buildPinbot } from '../src/pinbot.ts';
import { configSecrets, SecretScrubber } from '../src/secrets.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const SECRET = 'hf_SuperSecretTokenValue1234567890abcd';

function capture() {
  const sink = new PassThrough();
  const chunks: string[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { sink, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes JSON lines with the fields and message', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', secrets: [], sink: out.sink, pretty: false });
    logger.child({ scope: 'default', proposalId: 'p1' }).info({ diff: 2 }, 'proposal created');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ scope: 'default', proposalId: 'p1', diff: 2, msg: 'proposal created', app: 'pinbot' });
  });

  it('binds nested children in order, and writes nothing below its level', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', secrets: [], sink: out.sink, pretty: false });
    const request = logger.child({ platform: 'slack', user: 'U1' });
    const scoped = request.child({ scope: 'research', user: 'U2' });
    scoped.debug({ hidden: true }, 'not written');
    request.child({ never: 'logs' });
    scoped.info({ step: 1 }, 'first');
    scoped.warn({ step: 2 }, 'second');
    request.error({}, 'parent');
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['msg'])).toEqual(['first', 'second', 'parent']);
    expect(lines[0]).toMatchObject({ platform: 'slack', scope: 'research', user: 'U2', step: 1, level: 30 });
    expect(lines[1]).toMatchObject({ platform: 'slack', scope: 'research', step: 2, level: 40 });
    expect(lines[2]).toMatchObject({ platform: 'slack', user: 'U1', level: 50 });
    expect(lines[2]).not.toHaveProperty('scope');
    expect(out.text()).not.toContain('never');
  });

  it('scrubs a secret wherever it appears: message, fields, nested objects, error text', () => {
    const out = capture();
    const logger = createLogger({ level: 'debug', secrets: [SECRET, undefined], sink: out.sink, pretty: false });
    logger.info({ header: `Bearer ${SECRET}` }, `token is ${SECRET}`);
    logger.warn({ nested: { deep: [SECRET] }, error: new Error(`failed with ${SECRET}`).message }, 'oops');
    logger.error({ token: 'other-value', config: { botToken: 'xoxb-1' } }, 'keys');
    const text = out.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('other-value');
    expect(text).not.toContain('xoxb-1');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('scrubs pretty output too', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', secrets: [SECRET], sink: out.sink, pretty: true });
    logger.info({}, `pretty ${SECRET}`);
    expect(out.text()).toContain('pretty [redacted]');
  });
});

describe('the log sink of the composition root', () => {
  it('scrubs the token of a scope whose variable is not named HF_TOKEN* (token_env: PROD_KEY)', async () => {
    const prodToken = 'hf_ProdKeyScopeTokenCcccccccccccccccccccc';
    const dir = testTempDir('pinbot-logger-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, 'scopes:\n  - name: production\n    token_env: PROD_KEY\n');
    const env = { PINBOT_CONFIG: configFile, PROD_KEY: prodToken, DATABASE_URL: join(dir, 'pinbot.sqlite'), HF_HUB_URL: 'off' };
    const config = loadConfig(env);
    const scrubber = new SecretScrubber(configSecrets(config));
    const out = capture();
    const logger = createLogger({ level: 'info', secrets: scrubber, sink: out.sink, pretty: false });
    const pinbot = await buildPinbot(config, { env, logger, scrubber });
    try {
      logger.warn({ reason: `upstream said ${prodToken}` }, `echoed ${prodToken}`);
    } finally {
      await pinbot.close();
    }
    expect(out.text()).toContain('echoed [redacted]');
    expect(out.text()).not.toContain(prodToken);
  });
});
