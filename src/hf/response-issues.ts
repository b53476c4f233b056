import type { z } from 'zod';

/** A short, value-free description of why a body did not match, for HF_BAD_RESPONSE. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
