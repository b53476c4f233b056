/** How many ready times each (scope, entry) keeps: enough to judge the next start by, and no history. */
export const READY_TIMES_KEPT = 20;
