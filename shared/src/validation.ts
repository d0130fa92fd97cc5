import type { z } from 'zod';
import { TokkatotError } from './errors.js';

/** One problem found in an input, with the path of the field it concerns. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod issues into readable "field: problem" lines. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses input with a schema or throws VALIDATION_FAILED listing each bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new TokkatotError('VALIDATION_FAILED', `${what} is not valid: ${summary}`, issues);
}
