import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_HF_API_URL, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the sandbox defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.hfToken).toBeUndefined();
    expect(config.hfApiUrl).toBe(DEFAULT_HF_API_URL);
    expect(config.port).toBe(3000);
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
    expect(config.proposalTtlMs).toBe(24 * 60 * 60 * 1000);
  });

  it('reads Slack over HTTP, Socket Mode and Discord settings', () => {
    const config = loadConfig({
      HF_TOKEN: 'hf_abc', PORT: '8080', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api/', DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678', DISCORD_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(config.port).toBe(8080);
    expect(config.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 's', appToken: 'xapp-1', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(config.discord).toEqual({ token: 't', applicationId: '123456789012345678', guildId: '223456789012345678', apiUrl: 'http://127.0.0.1:9/api' });
  });

  it('reads where models are checked on the Hub: a URL, off, or unset for the default', () => {
    expect(loadConfig({ HF_HUB_URL: 'http://127.0.0.1:9' }).hfHubUrl).toBe('http://127.0.0.1:9');
    expect(loadConfig({ HF_HUB_URL: 'off' }).hfHubUrl).toBe('off');
    expect(loadConfig({}).hfHubUrl).toBeUndefined();
    expect(problems({ HF_HUB_URL: 'hub.example' })).toEqual(['HF_HUB_URL must be an http(s) URL, or off']);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ HF_TOKEN: '  ', PORT: '' }).hfToken).toBeUndefined();
  });

  it('serves the sandbox to the console only, unless PINBOT_SANDBOX=on asks for it on chat platforms', () => {
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig({ HF_TOKEN: 'hf_abc' }).sandbox).toBe(false);
    expect(loadConfig({ PINBOT_CONFIG: 'scopes.yml' }).sandbox).toBe(false);
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    const discord = { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' };
    // `docker run -e HF_TOKEN …` with the host variable unset, empty or blank: never a silent sandbox.
    expect(problems({ ...slack })).toEqual([
      'HF_TOKEN is not set, so Slack would be served a simulated Hugging Face account: set HF_TOKEN to the token of the account to manage, or PINBOT_SANDBOX=on to serve the sandbox on purpose',
    ]);
    expect(problems({ ...slack, ...discord, HF_TOKEN: '' })).toEqual([
      'HF_TOKEN is empty, so Slack and Discord would be served a simulated Hugging Face account: set HF_TOKEN to the token of the account to manage, or PINBOT_SANDBOX=on to serve the sandbox on purpose',
    ]);
    expect(problems({ ...discord, HF_TOKEN: '   ' })[0]).toMatch(/^HF_TOKEN is empty, so Discord would be served a simulated/);
    expect(loadConfig({ ...slack, PINBOT_SANDBOX: 'on' }).sandbox).toBe(true);
    expect(loadConfig({ ...slack, HF_TOKEN: 'hf_abc', PINBOT_SANDBOX: 'off' }).sandbox).toBe(false);
  });

  it('reads PINBOT_SANDBOX as on or off, and refuses what contradicts it', () => {
    expect(problems({ PINBOT_SANDBOX: 'yes' })).toEqual(['PINBOT_SANDBOX must be on or off']);
    expect(problems({ PINBOT_SANDBOX: 'on', HF_TOKEN: 'hf_abc' })).toEqual(['PINBOT_SANDBOX=on serves a simulated account, but HF_TOKEN is set too: unset one of them']);
    expect(problems({ PINBOT_SANDBOX: 'on', PINBOT_CONFIG: 'scopes.yml' })[0]).toMatch(/^PINBOT_SANDBOX=on serves a simulated account, so it cannot be used with PINBOT_CONFIG/);
    expect(problems({ PINBOT_SANDBOX: 'off' })).toEqual(['HF_TOKEN is not set and PINBOT_SANDBOX=off rules out the simulated account: set HF_TOKEN (or PINBOT_CONFIG)']);
    expect(loadConfig({ PINBOT_SANDBOX: '' }).sandbox).toBe(true);
  });

  it('says a variable that is there but blank "is empty", and one that is absent "is not set"', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: ' ', HF_TOKEN: 'hf_abc' })).toEqual([
      'SLACK_SIGNING_SECRET is empty: it is needed with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
    expect(problems({ SLACK_SIGNING_SECRET: 's', HF_TOKEN: 'hf_abc' })).toEqual(['SLACK_BOT_TOKEN is not set: it is needed to enable Slack']);
    expect(problems({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '', HF_TOKEN: 'hf_abc' })[0]).toMatch(/^DISCORD_APPLICATION_ID is empty: it is needed to enable Discord/);
  });

  it('reports every problem at once, naming variables but never their values', () => {
    const found = problems({ PORT: '99999', HF_API_URL: 'ftp://x', SLACK_APP_TOKEN: 'xoxb-wrong-kind', DISCORD_APPLICATION_ID: 'abc', LOG_LEVEL: 'chatty' });
    expect(found.map((p) => p.split(' ')[0])).toEqual(
      expect.arrayContaining(['PORT', 'HF_API_URL', 'SLACK_APP_TOKEN', 'DISCORD_APPLICATION_ID', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'DISCORD_TOKEN']),
    );
    expect(found.join('\n')).not.toContain('xoxb-wrong-kind');
  });

  it('reads METRICS_PORT like PORT, and leaves it unset by default', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(problems({ METRICS_PORT: '70000' })).toEqual(['METRICS_PORT must be a whole number from 0 to 65535']);
    expect(problems({ METRICS_PORT: '9464x' })).toEqual(['METRICS_PORT must be a whole number from 0 to 65535']);
  });

  it('says how many problems there are in its message', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/1 problem:\n {2}- PORT must be a whole number/);
  });

  it('reads the drift interval (or off) and the load-tracking bound', () => {
    expect(loadConfig({}).driftIntervalMs).toBe(300_000);
    expect(loadConfig({}).loadTimeoutMs).toBe(900_000);
    expect(loadConfig({ PINBOT_DRIFT_INTERVAL: '30s', PINBOT_LOAD_TIMEOUT: '2m' })).toMatchObject({ driftIntervalMs: 30_000, loadTimeoutMs: 120_000 });
    expect(loadConfig({ PINBOT_DRIFT_INTERVAL: 'off' }).driftIntervalMs).toBeUndefined();
    expect(problems({ PINBOT_DRIFT_INTERVAL: '1s', PINBOT_LOAD_TIMEOUT: 'soon' }).map((p) => p.split(' ')[0])).toEqual(['PINBOT_DRIFT_INTERVAL', 'PINBOT_LOAD_TIMEOUT']);
  });
});
