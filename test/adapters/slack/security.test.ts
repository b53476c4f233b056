import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { TOKEN } from '../../helpers/pinbot-harness.ts';
import { ALICE, BOB, BOT_TOKEN, blocksOf, BOUND_CHANNEL, mrkdwnOf, readableText, SIGNING_SECRET, useSlackHarness } from './slack-harness.ts';
import { actionBody, buttonPayload, commandBody, fixture, postSigned, signedHeaders, slackSignature } from '../../helpers/slack-requests.ts';
import { trickle } from '../../helpers/slow-client.ts';

describe('Slack request authenticity, injection and secrets', () => {
  const start = useSlackHarness();

  it('signs requests exactly as the documented test vector', () => {
    const vector = JSON.parse(fixture('slash-command.signed-raw-body.vector.json')) as {
      signing_secret: string; headers: Record<string, string>;
    };
    const body = fixture('slash-command.signed-raw-body.txt');
    const timestamp = Number(vector.headers['X-Slack-Request-Timestamp']);

    expect(slackSignature(vector.signing_secret, timestamp, body)).toBe(vector.headers['X-Slack-Signature']);
    expect(() => verifySlackRequest({
      signingSecret: vector.signing_secret,
      body,
      headers: {
        'x-slack-signature': vector.headers['X-Slack-Signature'] ?? '',
        'x-slack-request-timestamp': timestamp,
      },
      nowMilliseconds: timestamp * 1000,
    })).not.toThrow();
  });

  it('answers 401 to a bad signature and to a request stamped more than 5 minutes before or after now, with no effect at all', async () => {
    const h = await start();
    const callsAtStart = h.slackApi.calls.length;
    const command = commandBody({ text: 'add bigscience/bloom', user: ALICE, channelId: BOUND_CHANNEL, responseUrl: h.slackApi.responseUrl('commands') });
    const click = actionBody(buttonPayload({
      actionId: 'pinbot_approve', value: 'pAnything1', user: ALICE, channelId: BOUND_CHANNEL, messageTs: '1700000001.000100', responseUrl: h.slackApi.responseUrl('actions'),
    }));
    const now = Math.floor(Date.now() / 1000);

    const refused = await Promise.all([
      postSigned(h.eventsUrl, SIGNING_SECRET, command, { signature: slackSignature('not-the-secret', now, command) }),
      postSigned(h.eventsUrl, SIGNING_SECRET, command, { signature: slackSignature(SIGNING_SECRET, now, `${command}x`) }),
      postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestamp: now - 301 }),
      postSigned(h.eventsUrl, SIGNING_SECRET, click, { timestamp: now - 6 * 60 }),
      // Half a minute past the bound: the server reads its clock later than `now`, which brings a future stamp closer.
      postSigned(h.eventsUrl, SIGNING_SECRET, command, { timestamp: now + 330 }),
      postSigned(h.eventsUrl, SIGNING_SECRET, click, { timestamp: now + 365 * 86_400 }),
    ]);

    expect(refused.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    // A genuine request afterwards, a little ahead of this clock (still within the window), is
    // answered; by then anything the refused ones started would show.
    const genuine = await h.command('help', { signed: { timestamp: now + 60 } });
    expect(genuine.status).toBe(200);
    await h.response(genuine.responseUrl);
    expect(h.slackApi.calls.slice(callsAtStart)).toEqual([]);
    expect(h.slackApi.responses.map((post) => post.path)).toEqual([new URL(genuine.responseUrl).pathname]);
    expect(h.pinbot.clientRequests()).toEqual([]);
  });

  it('closes a connection whose headers or body trickle in, within the bound, and keeps serving', async () => {
    const bounds = { headersMs: 300, requestMs: 600, checkEveryMs: 50 };
    const h = await start({ httpTimeouts: bounds });
    const body = commandBody({ text: 'list', user: ALICE, channelId: BOUND_CHANNEL, responseUrl: h.slackApi.responseUrl('commands') });
    const headers = Object.entries(signedHeaders(SIGNING_SECRET, body)).map(([name, value]) => `${name}: ${value}\r\n`).join('');

    const slowHeaders = trickle(h.slack.port, 'POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\n', `x-slow: ${'a'.repeat(1000)}\r\n\r\n`, { everyMs: 20, boundMs: 3000 });
    const slowBody = trickle(h.slack.port, `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}content-length: ${body.length}\r\n\r\n`, body, { everyMs: 20, boundMs: 3000 });

    expect(await slowHeaders.closed).toBeLessThan(bounds.headersMs + 2 * bounds.checkEveryMs + 500);
    expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(await slowBody.closed).toBeLessThan(bounds.requestMs + 2 * bounds.checkEveryMs + 500);
    expect(h.slackApi.responses).toEqual([]);
    const genuine = await h.command('help');
    expect(genuine.status).toBe(200);
    await h.response(genuine.responseUrl);
  });

  it('refuses a forged "Propose again" on a card still pending: one sentence, no second proposal', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');
    const postsBefore = h.slackApi.callsTo('chat.postMessage').length;

    const forged = await h.click('repropose', card, BOB);

    expect(forged.status).toBe(200);
    const told = await h.response(forged.responseUrl);
    expect(told.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(readableText(told)).toContain('Only a change that went stale can be proposed again; this one is pending. Nothing was proposed.');
    expect((await h.pinbot.store.listByState('default', 'pending')).map((p) => p.id)).toEqual([card.proposalId]);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('answers GET /healthz with 200 and unknown paths with 404', async () => {
    const h = await start();

    const health = await fetch(`${h.baseUrl}/healthz`);
    const unknown = await fetch(`${h.baseUrl}/nope`);

    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();
  });

  it('never lets typed text become a mention, a broadcast or markup', async () => {
    const h = await start();

    const broadcast = await h.response((await h.command('add <!channel>')).responseUrl);
    const mentionish = await h.response((await h.command('add org/model<@U123>&x')).responseUrl);
    const unknownWord = await h.response((await h.command('<!here> please')).responseUrl);

    expect(mrkdwnOf(blocksOf(broadcast))).toContain('&lt;!channel&gt;');
    expect(mrkdwnOf(blocksOf(mentionish))).toContain('&lt;@U123&gt;&amp;x');
    expect(mrkdwnOf(blocksOf(unknownWord))).toContain('&lt;!here&gt;');
    const everythingSent = h.slackApi.bodies.map((body) => body.raw).join('\n');
    expect(everythingSent).not.toContain('<!channel>');
    expect(everythingSent).not.toContain('<!here>');
    expect(everythingSent).not.toContain('<@U123>');
    expect(everythingSent).not.toMatch(/&x/);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('never sends the Hugging Face token, the bot token or the signing secret to Slack or to the log', async () => {
    const h = await start();
    await h.response((await h.command('list')).responseUrl);
    await h.response((await h.command('status')).responseUrl);
    const card = await h.propose('add bigscience/bloom');
    await h.click('approve', card, ALICE);
    await h.waitForCalls('chat.postMessage', 2);
    await h.response((await h.click('approve', card, ALICE)).responseUrl);
    h.pinbot.simulator.failNext(5, 401, { error: 'Authorization header is correct, but the token seems invalid' });
    await h.response((await h.command('list')).responseUrl);
    await postSigned(h.eventsUrl, SIGNING_SECRET, 'payload=%7B%7D', { signature: 'v0=00' });

    // auth.test is the one call that carries the bot token in its body, as the credential it checks.
    const sentToSlack = h.slackApi.bodies.filter((body) => body.path !== '/api/auth.test').map((body) => body.raw).join('\n');
    const logged = JSON.stringify(h.pinbot.logLines);
    for (const secret of [TOKEN, BOT_TOKEN, SIGNING_SECRET]) {
      expect(sentToSlack).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    // The bot token only ever travels as the Web API's bearer credential.
    expect(new Set(h.slackApi.calls.map((call) => call.authorization))).toEqual(new Set([`Bearer ${BOT_TOKEN}`]));
    expect(h.slackApi.callsTo('auth.test').map((call) => call.params.token)).toEqual([BOT_TOKEN]);
  });
});
