import { z } from 'zod';

/**
 * What a bench run writes to results.json, and what pool.ts reads back from several of them: the
 * raw samples, so that runs can be pooled before any percentile is taken.
 */

/** A target: `max`, `min`, `exactly` on the values (`at` one end only), `ratio` or `rise` from the first size to the last. */
const goal = z.object({
  text: z.string(),
  max: z.number().optional(),
  min: z.number().optional(),
  exactly: z.number().optional(),
  at: z.enum(['first', 'last']).optional(),
  ratio: z.number().optional(),
  rise: z.number().optional(),
});

/** A cost at one or more sizes. A latency keeps its samples per size, and its value is their p99. */
const figure = z.object({
  measure: z.string(),
  unit: z.string(),
  sizeName: z.string().optional(),
  sizes: z.array(z.number()).optional(),
  values: z.array(z.number()),
  samples: z.array(z.array(z.number())).optional(),
  goal: goal.optional(),
});

/** One ack case: each app's acks round by round (ms), pinbot's answers after their acks, acks per second per burst. */
const ackCase = z.object({
  pinbot: z.array(z.array(z.number())),
  baseline: z.array(z.array(z.number())),
  answer: z.array(z.number()),
  throughput: z.object({ pinbot: z.array(z.number()), baseline: z.array(z.number()) }).optional(),
});

const part = z.object({
  acks: z.record(z.string(), ackCase).optional(),
  figures: z.array(figure).optional(),
  /** Query plans of the store's queries at the largest size. */
  plans: z.record(z.string(), z.string()).optional(),
});

export const benchResults = part.required().extend({ node: z.string(), at: z.string() });

export type Goal = z.infer<typeof goal>;
export type Figure = z.infer<typeof figure>;
export type AckCase = z.infer<typeof ackCase>;
export type PartResult = z.infer<typeof part>;
export type BenchResults = z.infer<typeof benchResults>;

/** Whether `values` (pooled) meet `goal`. */
export function meets(goal: Goal, values: readonly number[]): boolean {
  const [first = Number.NaN, last = Number.NaN] = [values[0], values.at(-1)];
  const judged = goal.at === 'first' ? [first] : goal.at === 'last' ? [last] : values;
  return judged.every((value) => (goal.max ?? value) >= value && (goal.min ?? value) <= value && (goal.exactly ?? value) === value)
    && (goal.ratio === undefined || last <= goal.ratio * first)
    && (goal.rise === undefined || last - first <= goal.rise);
}

/** A figure with a single value that must be exactly `wanted` (a count of requests, say). */
export function exactly(measure: string, unit: string, value: number, wanted: number, text = String(wanted)): Figure {
  return { measure, unit, values: [value], goal: { text, exactly: wanted } };
}
