/**
 * Puts the next young-generation collection at a random point of the next burst's cycle.
 *
 * V8 collects the young generation each time a fixed amount has been allocated, and the rounds
 * repeat the same allocations in the same order. So where the collections fall settles into a
 * pattern that favours one app's bursts over the other's, run after run: in three full runs the
 * pinbot Discord N = 50 ack windows met a collection in 8-9 of 60 rounds and the bare client's in
 * 0-2, while a run of N = 50 alone (a different pattern) gave 10 against 13 (bench/README.md). A
 * collection in a burst's window sets that round's slowest acks, so the pattern decided p99s.
 *
 * Before each burst, a uniformly random share of the young generation is allocated as garbage:
 * however full it was, the room left is then random, and a window meets a collection in
 * proportion to what is allocated in it, which is the cost the bench means to compare.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';

/** A 128 KB array of holes: young-generation garbage, cheap to make and to drop. */
const SLOTS_PER_CHUNK = 16_000;
const BYTES_PER_SLOT = 8;
const BYTES_PER_CHUNK = SLOTS_PER_CHUNK * BYTES_PER_SLOT;
/** Where each chunk goes, so that the allocation escapes and is not optimised away. */
const sink: { chunk?: unknown[] } = {};

/** The young generation now: bytes in use, and its capacity (what it holds before a collection). */
export function youngGeneration(): { readonly used: number; readonly capacity: number } {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (young === undefined) return { used: 0, capacity: 0 };
  return { used: young.space_used_size, capacity: young.space_used_size + young.space_available_size };
}

/**
 * Allocates `random()` × the young generation's capacity in garbage, then lets the event loop
 * turn twice: when the garbage fills the young generation past 80 %, V8 posts the collection as a
 * task, which Node runs in the next loop iteration, and it must fall here rather than in the burst.
 * Resolves with the bytes allocated.
 */
export async function randomizeScavengePhase(random: () => number = Math.random): Promise<number> {
  const bytes = Math.floor(random() * youngGeneration().capacity);
  for (let allocated = 0; allocated < bytes; allocated += BYTES_PER_CHUNK) sink.chunk = new Array(SLOTS_PER_CHUNK);
  sink.chunk = undefined;
  await nextTurn();
  await nextTurn();
  return bytes;
}
