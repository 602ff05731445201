/**
 * What can be known about a smoke-test command before and after it runs: the script it starts
 * (to explain a missing one instead of recording a failed run) and the one-line summary the
 * timeline keeps. The run itself is a VS Code task; nothing here imports `vscode`.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import { parse } from 'shell-quote';

import { redact } from '../common/log';

/** Why the command's script cannot be started. */
export interface ScriptProblem {
  kind: 'missing' | 'notAFile' | 'notExecutable';
  /** The script's absolute path. */
  path: string;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The script a command starts, as an absolute path: its first word after any `NAME=value`
 * assignments, when that word is a path (`./run-smoke-tests.sh`, `bin/smoke`, `~/smoke.sh`).
 * Undefined for a program found on PATH (`npm run smoke`, `make smoke`) and for a first word
 * built from a variable, which only the shell can resolve.
 */
export function scriptOf(command: string, cwd: string): string | undefined {
  // Variables are kept as written: `$DIR/run.sh` is for the shell to expand, not for us.
  const words = parse(command, (name) => `$${name}`);
  const first = words.find((word) => typeof word !== 'string' || !ASSIGNMENT.test(word));
  if (typeof first !== 'string' || first.includes('$') || !first.includes('/')) return undefined;
  const expanded =
    first === '~' || first.startsWith('~/') ? join(homedir(), first.slice(1)) : first;
  return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
}

/** Checks that the script exists, is a file and may be executed; undefined when it can run. */
export async function checkScript(path: string): Promise<ScriptProblem | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { kind: 'notAFile', path };
  } catch {
    return { kind: 'missing', path };
  }
  // Windows has no execute bit: whatever exists can be started through its association.
  if (process.platform === 'win32') return undefined;
  try {
    await access(path, constants.X_OK);
    return undefined;
  } catch {
    return { kind: 'notExecutable', path };
  }
}

/** How a run ended. */
export interface SmokeRun {
  /** The command as configured; secrets in it are redacted from the summary. */
  command: string;
  /** Undefined when the process was stopped or its terminal closed before it exited. */
  exitCode?: number;
  durationMs: number;
  /** Set when the run was stopped: by the timeout (with its minutes) or by the responder. */
  stopped?: { by: 'timeout'; minutes: number } | { by: 'user' };
}

/** `12.4 s`, `2 min 5 s`. */
export function durationText(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A run passed when it exited 0 on its own. */
export function smokePassed(run: SmokeRun): boolean {
  return run.exitCode === 0 && !run.stopped;
}

/**
 * The timeline's line: `passed (exit 0) in 12.4 s: ./run.sh`, `failed (exit 1) in 3.1 s: …`,
 * `failed: stopped after the 15 min timeout: …`. Anything that looks like a secret in the
 * command (`TOKEN=…`, a password in a URL) is redacted.
 */
export function smokeSummary(run: SmokeRun): string {
  const took = durationText(run.durationMs);
  let outcome: string;
  if (run.stopped?.by === 'timeout')
    outcome = `failed: stopped after the ${run.stopped.minutes} min timeout (${took})`;
  else if (run.stopped?.by === 'user') outcome = `failed: stopped by the responder after ${took}`;
  else if (run.exitCode === undefined) outcome = `failed: ended without an exit code after ${took}`;
  else outcome = `${run.exitCode === 0 ? 'passed' : 'failed'} (exit ${run.exitCode}) in ${took}`;
  return redact(`${outcome}: ${run.command}`);
}
