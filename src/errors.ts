/** Exit codes, documented in the README. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  BAD_INPUT: 2,
  CHECK_FAILED: 3,
  ENGINE: 4,
  BUILD_FAILED: 5,
  RUN_FAILED: 6,
} as const;

export type ErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "NO_FLASK_APP"
  | "ENGINE_UNREACHABLE"
  | "ENGINE_ERROR"
  | "BASE_FAILED"
  | "UNMAPPED_REQUIREMENT"
  | "BUILD_FAILED"
  | "RUN_FAILED"
  | "CHECK_FAILED"
  | "UNSAFE_ARCHIVE"
  | "CORRUPT_ARCHIVE"
  | "WOULD_OVERWRITE"
  | "NOT_IMPLEMENTED";

const EXIT_FOR: Record<ErrorCode, number> = {
  BAD_INPUT: EXIT.BAD_INPUT,
  NOT_FOUND: EXIT.BAD_INPUT,
  NO_FLASK_APP: EXIT.BAD_INPUT,
  UNMAPPED_REQUIREMENT: EXIT.BAD_INPUT,
  UNSAFE_ARCHIVE: EXIT.BAD_INPUT,
  CORRUPT_ARCHIVE: EXIT.BAD_INPUT,
  WOULD_OVERWRITE: EXIT.BAD_INPUT,
  ENGINE_UNREACHABLE: EXIT.ENGINE,
  ENGINE_ERROR: EXIT.ENGINE,
  BASE_FAILED: EXIT.BUILD_FAILED,
  BUILD_FAILED: EXIT.BUILD_FAILED,
  RUN_FAILED: EXIT.RUN_FAILED,
  CHECK_FAILED: EXIT.CHECK_FAILED,
  NOT_IMPLEMENTED: EXIT.INTERNAL,
};

/** An error a user can act on: what went wrong, and what to do about it. */
export class FlaskpackError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fix?: string,
    /** Extra facts for --json output (evidence, diagnosis, partial results). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "FlaskpackError";
    this.exitCode = EXIT_FOR[code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, fix: this.fix, details: this.details } };
  }
}

export function isFlaskpackError(e: unknown): e is FlaskpackError {
  return e instanceof FlaskpackError;
}
