import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { spawnPinbot, type RunningPinbot } from '../../helpers/spawn-pinbot.ts';

const STEP_MS = 15_000;
const pad = (hour: number): string => String(hour).padStart(2, '0');

/**
 * A daily three-hour window that opens two to three hours from now (UTC), so `advance 4h` lands
 * inside it whatever the minute is, and `advance 3h` more lands after it.
 */
function windowFromNow(): { window: string; shown: string } {
  const start = (new Date().getUTCHours() + 3) % 24;
  const end = (start + 3) % 24;
  return { window: `${pad(start)}:00-${pad(end)}:00`, shown: `daily ${pad(start)}:00–${pad(end)}:00 UTC` };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('schedules in the console, driven as a person types them', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /** An interactive console; `step` types a line and returns what was printed until `until`. */
  async function open(args: string[], env: Record<string, string> = {}) {
    const pinbot: RunningPinbot = spawnPinbot(args, env);
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    });
    await pinbot.waitForOutput('pinbot> ');
    const step = async (line: string, until = 'pinbot> '): Promise<string> => {
      const mark = pinbot.stdout().length;
      pinbot.send(line);
      await pinbot.waitForOutput(until, STEP_MS, mark);
      return pinbot.stdout().slice(mark);
    };
    /** Proposes, checks the card, approves with `y`, and returns the card and the answer. */
    const approve = async (line: string): Promise<{ card: string; applied: string }> => {
      const card = await step(line, 'Apply? [y/N] ');
      return { card, applied: await step('y') };
    };
    return { pinbot, step, approve };
  }

  it('sandbox `default`: a schedule approved, switched by the demo clock once, a compute change not undone, resumed, refused words, removed', async () => {
    const { pinbot, step, approve } = await open([]);
    const { window, shown } = windowFromNow();

    const { card, applied } = await approve(`schedule t5-small pinned daily ${window} UTC`);
    const id = /Proposed schedule (\w+)/.exec(card)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(card).toContain(`Windows: keep t5-small pinned ${shown}`);
    expect(card).toMatch(/Next switches: pinned \w{3} \d+ \w{3} \d\d:00 UTC · off /);
    expect(applied).toContain(`✅ Schedule ${id} is on`);
    // Approving writes nothing: the schedule takes effect at its next switch.
    expect(await step('list')).not.toContain('t5-small');

    const listed = await step('schedules');
    expect(listed).toContain(`• ${id}: keep t5-small pinned ${shown} — approved by @`);
    expect(listed).toMatch(/next: pinned \w{3} \d+ \w{3} \d\d:00 UTC · off \w{3} \d+ \w{3} \d\d:00 UTC · pinned /);

    const started = (await step('history')).split('\n').find((line) => line.includes(`schedule ${id} started`)) ?? '';
    const startChange = /^• (\w+) /.exec(started)?.[1] ?? '';
    expect(startChange).not.toBe('');

    const ready = await step('advance 4h');
    expect(ready).toContain('SANDBOX CLOCK — a demo clock, 4 h 0 min ahead of the real time');
    expect(ready).toMatch(new RegExp(`Schedule ${id}, \\w{3} \\d+ \\w{3} \\d\\d:00 UTC: t5-small switched pinned, approved by @\\S+; change \\w+\\.`));
    expect(await step('list')).toContain('• t5-small — cpu');
    // Exactly one write: one change by the schedule in history.
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(1);

    // A person moves it to gpu; at the window's end the schedule does not undo that.
    expect((await approve('compute t5-small gpu')).applied).toContain('✅ Applied');
    const held = await step('advance 3h');
    expect(held).toContain(`Schedule ${id}: t5-small was changed since the schedule last switched it, so pinbot did not switch it off (not pinned); a person's change is never undone.`);
    expect(held).toMatch(/The schedule resumes by itself at its next window, \w{3} \d+ \w{3} \d\d:00 UTC\. Resume now, or remove the schedule\./);
    expect(held).toContain(`Resume schedule: type resume ${id}`);
    expect(held).toContain(`Remove schedule: type unschedule ${id}`);
    expect(held).toContain('SANDBOX CLOCK — a demo clock, 7 h 0 min ahead of the real time');
    expect(await step('list')).toContain('• t5-small — gpu');
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(1);
    expect(await step('schedules')).toContain("held by a person's change until");

    // Resume: the schedule takes the entry as it is and switches it to what should hold now (off) at once.
    expect(await step(`resume ${id}`)).toMatch(new RegExp(`Schedule ${id}, .+: t5-small switched off \\(not pinned\\), approved by @\\S+; change \\w+\\.`));
    expect(await step('list')).not.toContain('t5-small');
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(2);

    // Refusals: each one sentence, nothing proposed.
    expect(await step('schedule t5-small pinned mon-fry 09:00-17:00')).toContain('`fry` is not a day: use `daily`, `weekdays`, `weekends`, `mon`…`sun`, lists like `sat,sun` or ranges like `mon-fri`. Did you mean `fri`?');
    expect(await step('schedule t5-small pinned daily 09:00-17:00 Mars/Olympus')).toContain('`Mars/Olympus` is not a time zone pinbot knows: it must be an IANA zone like `Europe/Paris`, or `UTC`.');
    const [from = '', to = ''] = window.split('-');
    const overlapping = `${pad((Number(from.slice(0, 2)) + 1) % 24)}:00-${pad((Number(to.slice(0, 2)) + 1) % 24)}:00`;
    expect(await step(`schedule t5-small:gpu pinned daily ${overlapping} UTC`))
      .toContain(`Those windows overlap schedule \`${id}\` of \`t5-small\` (${shown}); one entry's schedules may not overlap. Nothing was proposed.`);
    expect(await step(`revert ${startChange}`))
      .toContain(`Change \`${startChange}\` started schedule \`${id}\` and wrote nothing, so there is nothing to revert; remove it with \`unschedule ${id}\`.`);
    expect(await step('pending')).not.toContain('schedule');

    const removal = await approve(`unschedule ${id}`);
    expect(removal.card).toContain(`Proposed removal of schedule ${id}`);
    expect(removal.applied).toContain(`✅ Schedule ${id} removed`);
    expect(await step('schedules')).toContain('This scope has no schedules.');
    // A removed schedule switches no more.
    expect(await step('advance 1d')).toContain('No schedule switch was due by then.');
    expect(await step('list')).not.toContain('t5-small');

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
    expect(count(pinbot.stdout(), 'switched pinned')).toBe(1);
  }, 90_000);

  it('sandbox `endpoints`: switched warm once, a person letting it go cold meets the catch-up as an override notice, resume warms it at once, removed', async () => {
    const { pinbot, step, approve } = await open(['--scope', 'endpoints']);
    const { window, shown } = windowFromNow();

    // No zone typed: the scope's `timezone` (UTC by default).
    const { card, applied } = await approve(`schedule embedder warm daily ${window}`);
    const id = /Proposed schedule (\w+)/.exec(card)?.[1] ?? '';
    expect(card).toContain(`Windows: keep embedder warm ${shown}`);
    expect(applied).toContain(`✅ Schedule ${id} is on`);
    expect(await step('list')).toContain('embedder — cold, min 0');
    expect(await step('schedules')).toContain(`• ${id}: keep embedder warm ${shown}`);

    const ready = await step('advance 4h');
    expect(ready).toContain('SANDBOX CLOCK — a demo clock, 4 h 0 min ahead of the real time');
    expect(ready).toMatch(new RegExp(`Schedule ${id}, .+: embedder switched warm, approved by @\\S+; change \\w+\\.`));
    expect(await step('list')).toContain('embedder — warm, min 1');
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(1);

    // A person lets it go cold inside the window; a day later (one pass: the latest boundary only) the
    // schedule finds it changed since it left it, and says so instead of warming it.
    expect((await approve('remove embedder')).applied).toContain('✅ Applied');
    const held = await step('advance 1d');
    expect(held).toContain(`Schedule ${id}: embedder was changed since the schedule last switched it, so pinbot did not switch it warm; a person's change is never undone.`);
    expect(held).toContain(`Resume schedule: type resume ${id}`);
    expect(held).toContain(`Remove schedule: type unschedule ${id}`);
    expect(count(held, `Schedule ${id}`)).toBe(1);
    expect(await step('list')).toContain('embedder — cold, min 0');
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(1);

    expect(await step(`resume ${id}`)).toMatch(new RegExp(`Schedule ${id}, .+: embedder switched warm, approved by @\\S+; change \\w+\\.`));
    expect(await step('list')).toContain('embedder — warm, min 1');
    expect(count(await step('history'), `switched by schedule ${id}`)).toBe(2);

    expect(await step(`schedule embedder warm weekdays ${window} replicas=2`)).toContain('embedder can run at most 1 replica');
    expect(await step('resume nope')).toContain('Schedule `nope` was removed or never existed; `schedules` lists those there are.');

    const removal = await approve(`unschedule ${id}`);
    expect(removal.applied).toContain(`✅ Schedule ${id} removed`);
    expect(await step('schedules')).toContain('This scope has no schedules.');

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
  }, 90_000);

  it('a console on a real account has no demo clock: `advance` is an unknown command and writes nothing', async () => {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 3, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const { pinbot, step } = await open([], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });

    const answer = await step('advance 8h');
    expect(answer).toContain('Unknown command `advance`');
    expect(answer).not.toContain('SANDBOX CLOCK');
    expect(sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST')).toEqual([]);

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
  });
});
