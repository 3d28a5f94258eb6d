/** One `masar` sub-command. Each lives in `cli/commands/<name>.ts` and is listed in `cli/main.ts`. */
export interface Command {
  name: string;
  /** One line for `masar help`. */
  summary: string;
  /** Usage text printed by `masar help <name>` and on a usage error. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
