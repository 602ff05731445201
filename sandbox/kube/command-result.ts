/**
 * What a command run inside a pod is given (the pod, its environment and stdin, the simulated
 * time, and where the local Redis and PostgreSQL listen) and what it answers (stdout, stderr,
 * exit code, or an error when it could not be started), shared by every command family.
 */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set when the command could not be started at all (kubectl shows it as an error). */
  startError?: string;
}

export interface CommandContext {
  podName: string;
  namespace: string;
  container: string;
  env: Record<string, string>;
  stdin?: string;
  /** Simulated now, for lag that grows over time. */
  now: number;
  redis: { host: string; port: number };
  postgres: { host: string; port: number; database: string; user: string };
}

/** A command that succeeded and printed `stdout`. */
export function ok(stdout: string): CommandResult {
  return { stdout, stderr: '', exitCode: 0 };
}
