/**
 * Errors a user can act on. The route wrapper turns them into JSON responses with these
 * statuses; anything else becomes a generic 500 without a stack trace.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fieldErrors: Record<string, string[]> = {}) {
    super(message, 400, "invalid_input", fieldErrors);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in to continue.") {
    super(message, 401, "unauthenticated");
  }
}

/** Too many requests under one credential (an API token's rate limit): try again after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, "rate_limited");
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You don't have permission to do that.") {
    super(message, 403, "forbidden");
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(`${what} not found.`, 404, "not_found");
  }
}

/** Someone else changed the thing first (lost-update protection) or the state forbids the action. */
export class ConflictError extends AppError {
  constructor(message: string, readonly current?: unknown) {
    super(message, 409, "conflict");
  }
}

/**
 * The action is allowed only with an explicit confirmation the request didn't carry (a fleet step
 * signed off with clients not done). `current` tells the browser what to show before it asks.
 */
export class NeedsConfirmationError extends AppError {
  constructor(message: string, readonly current: unknown) {
    super(message, 409, "needs_confirmation");
  }
}

/** The database is locked by another writer for longer than busy_timeout. Safe to retry. */
export class BusyError extends AppError {
  constructor() {
    super("The database is busy. Nothing was changed; try again in a moment.", 503, "busy");
  }
}

/**
 * The database can't be reached (PostgreSQL down, restarting or out of connections). Unlike busy,
 * a connection lost during COMMIT leaves the outcome unknown, so the user is told to look first;
 * step actions carry idempotency keys, so their retry is safe either way.
 */
export class DatabaseUnavailableError extends AppError {
  constructor() {
    super("The server can't reach its database right now. Reload to see what was saved, then try again.", 503, "database_unavailable");
  }
}

/** The disk is full or read-only. Nothing was changed. */
export class StorageError extends AppError {
  constructor() {
    super("The server could not write to its database (disk full or read-only). Nothing was changed.", 507, "storage");
  }
}

/** The request body is larger than the route accepts; refused before it is read whole. */
export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(message, 413, "too_large");
  }
}
