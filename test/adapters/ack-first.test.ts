import { describe, expect, it } from 'vitest';
import { createAckFirst } from '../../src/adapters/ack-first.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Lets `turns` turns of the event loop pass (each with its poll and check phases). */
async function loopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('ack-first turns', () => {
  it('lets waiters through in order, one per event-loop turn', async () => {
    const ackFirst = createAckFirst();
    const order: string[] = [];
    const turns = ['a', 'b', 'c'].map((name) => ackFirst.turn().then(() => order.push(name)));
    // Work queued on the loop after the turns were asked for still runs between them.
    const between = new Promise<void>((resolve) => setImmediate(() => {
      order.push('other');
      resolve();
    }));
    await Promise.all([...turns, between]);
    expect(order).toEqual(['a', 'other', 'b', 'c']);
  });

  it('holds every turn while a request waits for its ack, and lets them through once it is answered', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 60_000 });
    const answered = ackFirst.hold();
    let through = false;
    const turn = ackFirst.turn().then(() => {
      through = true;
    });
    await loopTurns(20);
    expect(through).toBe(false);

    answered();
    await turn;
    expect(through).toBe(true);
  });

  it('waits for the last of several waiting acks; answering one twice does not count twice', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 60_000 });
    const first = ackFirst.hold();
    const second = ackFirst.hold();
    let through = false;
    const turn = ackFirst.turn().then(() => {
      through = true;
    });
    first();
    first();
    await loopTurns(20);
    expect(through).toBe(false);
    second();
    await turn;
    expect(through).toBe(true);
  });

  it('does not let a request that is never answered starve the work past maxDeferMs', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 30 });
    ackFirst.hold();
    const started = performance.now();
    await Promise.all([ackFirst.turn(), ackFirst.turn()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('holds turns until no request has arrived for quietMs, though every ack is answered', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 60_000, quietMs: 300 });
    ackFirst.hold()();
    const secondArrival = performance.now();
    ackFirst.hold()();
    let through = false;
    const turn = ackFirst.turn().then(() => {
      through = true;
    });
    await loopTurns(20);
    expect(through).toBe(false);
    await turn;
    expect(performance.now() - secondArrival).toBeGreaterThanOrEqual(299);
  });

  it('does not let a stream of arrivals hold the work past maxDeferMs', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 30, quietMs: 60_000 });
    ackFirst.hold()();
    const started = performance.now();
    await ackFirst.turn();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(29);
    expect(waited).toBeLessThan(5_000);
  });

  it('lets turns through at once when no ack is waiting', async () => {
    const ackFirst = createAckFirst({ maxDeferMs: 60_000 });
    let through = 0;
    for (let i = 0; i < 5; i++) void ackFirst.turn().then(() => through++);
    await waitFor(() => through === 5, 1000, 'five turns');
    expect(through).toBe(5);
  });
});
