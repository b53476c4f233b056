import { describe, expect, it } from 'vitest';
import { TOKEN } from '../helpers/pinbot-harness.ts';
import { actionBody, buttonPayload, commandBody, postSigned, signedHeaders } from '../helpers/slack-requests.ts';
import { ALICE, BOT_TOKEN, BOUND_CHANNEL, readableText, SIGNING_SECRET, useSlackHarness, type SlackHarness } from '../adapters/slack/slack-harness.ts';

const HUGE = 1_000_000;

/** A later, valid command still gets its answer: the app is up and not wedged. */
async function expectStillServing(h: SlackHarness): Promise<void> {
  const help = await h.command('help');
  expect(help.status).toBe(200);
  expect(readableText(await h.response(help.responseUrl))).toMatch(/list/);
}

/** No secret in any log line, and no log line carries a huge input verbatim. */
function expectSaneLogs(h: SlackHarness): void {
  const logs = JSON.stringify(h.pinbot.logLines);
  for (const secret of [TOKEN, BOT_TOKEN, SIGNING_SECRET]) expect(logs).not.toContain(secret);
  for (const line of h.pinbot.logLines) expect(JSON.stringify(line).length).toBeLessThan(20_000);
}

function click(h: SlackHarness, overrides: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const payload = {
    ...buttonPayload({
      actionId: 'pinbot_approve', value: 'pAnything1', user: ALICE, channelId: BOUND_CHANNEL, messageTs: '1700000001.000100', responseUrl: h.slackApi.responseUrl('actions'),
    }),
    ...overrides,
  };
  return postSigned(h.eventsUrl, SIGNING_SECRET, actionBody(payload));
}

describe('oversized and malformed Slack requests', () => {
  const start = useSlackHarness();

  it('a 1 MB signed slash command is refused as too long, nothing is read or written, and the app keeps serving', async () => {
    const h = await start();
    const responseUrl = h.slackApi.responseUrl('commands');
    const body = commandBody({ text: `add ${'a'.repeat(HUGE)}`, user: ALICE, channelId: BOUND_CHANNEL, responseUrl });

    const answer = await postSigned(h.eventsUrl, SIGNING_SECRET, body);

    expect(answer.status).toBeLessThan(500);
    if (answer.status === 200) expect(readableText(await h.response(responseUrl))).toMatch(/too long/);
    await expectStillServing(h);
    expect(h.pinbot.clientRequests()).toEqual([]);
    expectSaneLogs(h);
  });

  it('command text of 100k characters gets the too-long sentence, privately', async () => {
    const h = await start();

    const answer = await h.command(`add ${'x '.repeat(50_000)}`);

    expect(answer.status).toBe(200);
    const reply = await h.response(answer.responseUrl);
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(readableText(reply)).toMatch(/too long/);
    expect(JSON.stringify(reply.body).length).toBeLessThan(5000);
    expect(h.pinbot.clientRequests()).toEqual([]);
    await expectStillServing(h);
  });

  it('broken form encoding and a command without its fields are answered without a crash', async () => {
    const h = await start();
    const bodies = [
      'text=%E0%A4%A&user_id=%%%&channel_id=%ZZ&response_url=%',
      '&&&=&=&',
      'command=%2Fpins',
      `command=%2Fpins&text=list&user_id=U0ALICE001&channel_id=${BOUND_CHANNEL}&response_url=not-a-url`,
      'command=%2Fpins&text=list&user_id=%3Cscript%3E&channel_id=..%2F..&response_url=http%3A%2F%2F127.0.0.1%3A1%2F',
    ];

    const answers = await Promise.all(bodies.map((body) => postSigned(h.eventsUrl, SIGNING_SECRET, body)));

    for (const answer of answers) expect(answer.status).toBeLessThan(500);
    await expectStillServing(h);
    // The one well-formed `list` among them is served; its answer just has nowhere to go.
    expect(h.pinbot.writes()).toEqual([]);
    expectSaneLogs(h);
  });

  it('`payload=` that is not JSON, or JSON that is not an object, is rejected without a crash', async () => {
    const h = await start();
    const bodies = ['payload=%7Bnot%20json', 'payload=', 'payload=%5B1%2C2%5D', 'payload=%22str%22', 'payload=42', `payload=${'%7B'.repeat(5000)}`];

    const answers = await Promise.all(bodies.map((body) => postSigned(h.eventsUrl, SIGNING_SECRET, body)));

    for (const answer of answers) expect(answer.status).toBeLessThan(500);
    await expectStillServing(h);
    expectSaneLogs(h);
  });

  it('a signed `payload=null` is answered 400 and nothing else happens; unsigned, 401', async () => {
    const h = await start();
    // Bolt 5.1 alone reads `null.ssl_check` in a promise nobody awaits: no answer, an unhandled rejection.
    const post = (body: string, headers: Record<string, string>) =>
      fetch(h.eventsUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(3000) });

    const signed = await post('payload=null', signedHeaders(SIGNING_SECRET, 'payload=null'));
    const unsigned = await post('payload=null', { ...signedHeaders(SIGNING_SECRET, 'payload=null'), 'x-slack-signature': 'v0=00' });
    const jsonNull = await post('null', { ...signedHeaders(SIGNING_SECRET, 'null'), 'content-type': 'application/json' });

    expect([signed.status, unsigned.status, jsonNull.status]).toEqual([400, 401, 400]);
    expect(h.slackApi.calls.filter((call) => call.method !== 'auth.test')).toEqual([]);
    expect(h.slackApi.responses).toEqual([]);
    expect(h.pinbot.clientRequests()).toEqual([]);
    await expectStillServing(h);
    expectSaneLogs(h);
  });

  it('block_actions with missing fields or wrong types writes nothing and leaves the app serving', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');

    const answers = await Promise.all([
      click(h, { actions: [] }),
      click(h, { actions: [{ action_id: 'pinbot_approve', type: 'button' }] }),
      click(h, { actions: [{ action_id: 'pinbot_approve', type: 'button', value: 42 }] }),
      click(h, { actions: [{ action_id: 'pinbot_approve', type: 'button', value: card.proposalId }], user: { id: 42 } }),
      click(h, { actions: [{ action_id: 'pinbot_approve', type: 'button', value: card.proposalId }], user: null }),
      click(h, { actions: 'pinbot_approve' }),
      click(h, { actions: [{ action_id: 'pinbot_approve', type: 'button', value: card.proposalId }], container: 'x', message: 7, channel: [] }),
    ]);

    // Bolt itself answers 500 to a few shapes it cannot route (a throw before any listener): still an answer.
    for (const answer of answers) expect([200, 400, 404, 500]).toContain(answer.status);
    await expectStillServing(h);
    expect(h.pinbot.writes()).toEqual([]);
    expect((await h.pinbot.service.getProposal(card.proposalId)).state).toBe('pending');
    expectSaneLogs(h);
  });

  it('a 10k-character button value is not taken for a proposal id', async () => {
    const h = await start();
    const responseUrl = h.slackApi.responseUrl('actions');
    const payload = buttonPayload({ actionId: 'pinbot_approve', value: 'p'.repeat(10_000), user: ALICE, channelId: BOUND_CHANNEL, messageTs: '1700000001.000100', responseUrl });

    const answer = await postSigned(h.eventsUrl, SIGNING_SECRET, actionBody(payload));

    expect(answer.status).toBe(200);
    const reply = await h.response(responseUrl);
    expect(readableText(reply)).toMatch(/does not recognise that button/);
    expect(JSON.stringify(reply.body)).not.toContain('p'.repeat(200));
    expect(h.pinbot.writes()).toEqual([]);
    expectSaneLogs(h);
  });

  it('an action_id that is not pinbot’s is left to Bolt (no listener), with no effect', async () => {
    const h = await start();
    const responseUrl = h.slackApi.responseUrl('actions');
    const payload = buttonPayload({ actionId: 'someone_elses_button', value: 'pAnything1', user: ALICE, channelId: BOUND_CHANNEL, messageTs: '1700000001.000100', responseUrl });

    const answer = await postSigned(h.eventsUrl, SIGNING_SECRET, actionBody(payload));

    // Bolt answers 404 once its unhandled-request timeout passes: nobody here claims the click.
    expect(answer.status).toBe(404);
    expect(h.slackApi.responsesTo(responseUrl)).toEqual([]);
    await expectStillServing(h);
    expectSaneLogs(h);
  }, 10_000);
});
