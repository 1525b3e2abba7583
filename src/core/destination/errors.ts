/**
 * The errors Segment's destination raises, with the same names, codes, statuses and messages as
 * `@segment/actions-core`, so an emulator answer can be compared with Segment's word for word.
 */

import { STATUS_CODES } from 'http';

export const ErrorCodes = {
  PAYLOAD_VALIDATION_FAILED: 'PAYLOAD_VALIDATION_FAILED',
  PROJECT_DEACTIVATED: 'PROJECT_DEACTIVATED',
  INVALID_AUTHENTICATION: 'INVALID_AUTHENTICATION',
  ETIMEDOUT: 'ETIMEDOUT',
} as const;

/** Base of every error the destination can raise; `status` drives Segment's retry policy. */
export class DestinationError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** `IntegrationError(message, code, status)`: e.g. a deactivated project (`PROJECT_DEACTIVATED`, 400). */
export class IntegrationError extends DestinationError {}

/** `PayloadValidationError`: always `PAYLOAD_VALIDATION_FAILED`, 400, never retried. */
export class PayloadValidationError extends IntegrationError {
  constructor(message: string) {
    super(message, ErrorCodes.PAYLOAD_VALIDATION_FAILED, 400);
  }
}

/** `InvalidAuthenticationError`: 401, `INVALID_AUTHENTICATION`. */
export class InvalidAuthenticationError extends DestinationError {
  constructor(message: string) {
    super(message, ErrorCodes.INVALID_AUTHENTICATION, 401);
  }
}

/**
 * A non-2xx answer: the message is the HTTP status text (`Not Found`), the status the HTTP status.
 * Segment's fetch (node-fetch) replaces a missing reason phrase (HTTP/2, terse servers) with Node's
 * standard text (`statusText || STATUS_CODES[status]`), and the request client falls back to the status
 * number only when there is none (`statusText ?? String(status)`). `statusText` keeps node-fetch's value
 * (undefined when neither exists), which the `eventKey` dynamic field reports.
 */
export class HTTPError extends DestinationError {
  readonly statusText: string | undefined;

  constructor(status: number, statusText: string) {
    const text = statusText || STATUS_CODES[status];
    super(text ?? String(status), undefined, status);
    this.statusText = text;
  }
}

/** The request client's 10 s timeout. Segment's TimeoutError carries a code but no status. */
export class TimeoutError extends DestinationError {
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs}ms`, ErrorCodes.ETIMEDOUT);
  }
}

/** A failure to reach the server at all (connection refused, DNS): Segment surfaces the fetch error. */
export class FetchError extends DestinationError {}

/** One field problem of a validation failure, keyed by the payload field (e.g. `revenue`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * `AggregateAjvError`: every schema problem of the mapped payload, messages joined by one space.
 * It has no code or status in Segment either.
 */
export class AggregateAjvError extends DestinationError {
  constructor(
    readonly problems: FieldProblem[],
    status?: number,
  ) {
    // Segment gives payload validation errors no status, and settings validation errors status 400.
    super(problems.map((problem) => problem.message).join(' '), undefined, status);
  }
}

/** The plain-data form of an error, as every surface (HTTP, CLI, webview, history) shows it. */
export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  status?: number;
  /** Field key → message, for validation errors. */
  fields?: Record<string, string>;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof DestinationError) {
    const info: ErrorInfo = { name: error.name, message: error.message };
    if (error.code !== undefined) info.code = error.code;
    if (error.status !== undefined) info.status = error.status;
    if (error instanceof AggregateAjvError) {
      info.fields = Object.fromEntries(error.problems.map((problem) => [problem.field, problem.message]));
    }
    return info;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, message: error.message, code } : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Segment's platform retry rule (`packages/core/src/errors.ts`): 5xx except 501, and 408, 423, 429.
 * Errors without a status (timeouts, network failures) are retried too.
 */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status >= 500) return status !== 501;
  return status === 408 || status === 423 || status === 429;
}
