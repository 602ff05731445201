import { randomUUID } from 'node:crypto';

import * as v from 'valibot';
import * as vscode from 'vscode';

import { redact } from '../../common/log';
import type { CheckRanEvent, NewEvent } from '../../incident/model';
import {
  checkScript,
  scriptOf,
  smokePassed,
  smokeSummary,
  type ScriptProblem,
  type SmokeRun,
} from '../../platform/smokeTests';
import { Commands, SETTINGS_SECTION } from '../ids';
import { me, record, recordingIncident, showError, type CommandDeps } from '../mitigation/shared';

/** `{ incidentId?, command?, cwd? }`: which incident, and a command other than the setting's. */
export const SmokeTestsArgumentSchema = v.object({
  incidentId: v.optional(v.pipe(v.string(), v.minLength(1))),
  command: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
  cwd: v.optional(v.pipe(v.string(), v.minLength(1))),
});
export type SmokeTestsArgument = v.InferOutput<typeof SmokeTestsArgumentSchema>;

/** What `FreeLMS: Run Smoke Tests` did. */
export type SmokeTestsOutcome =
  | ({ outcome: 'ran'; durationMs: number; incidentId?: string } & Omit<
      CheckRanEvent,
      'id' | 'at' | 'type' | 'durationMs'
    >)
  | {
      outcome: 'notRun';
      reason: ScriptProblem['kind'] | 'noFolder' | 'couldNotStart';
      message: string;
      path?: string;
    };

/** The task type of the runs, matched with their end events by the run id beside it. */
const TASK_TYPE = 'freelms.smokeTests';
const SETTING = `${SETTINGS_SECTION}.smokeTests.command`;
const DEFAULT_COMMAND = './integration-tests/run-smoke-tests.sh';

function problemMessage(problem: ScriptProblem, command: string): string {
  const what =
    problem.kind === 'missing'
      ? `does not exist`
      : problem.kind === 'notAFile'
        ? 'is not a file'
        : `is not executable (chmod +x it, or start it through its shell: bash ${problem.path})`;
  return (
    `The smoke-test script ${problem.path} ${what}. The command "${command}" comes from ` +
    `${SETTING}: point it at your smoke tests. Nothing was run or recorded.`
  );
}

/**
 * Runs the command as a task in a terminal of its own, so the responder watches it as usual,
 * and waits for its process to end; a run past the timeout, or cancelled from the notification,
 * is terminated and reported as stopped.
 */
async function runTask(
  command: string,
  cwd: string,
  folder: vscode.WorkspaceFolder | undefined,
  timeoutMinutes: number,
  incidentId: string | undefined,
): Promise<SmokeRun> {
  const run = randomUUID();
  const task = new vscode.Task(
    { type: TASK_TYPE, run },
    folder ?? vscode.TaskScope.Workspace,
    'Smoke tests',
    'FreeLMS',
    new vscode.ShellExecution(command, { cwd }),
  );
  task.presentationOptions = {
    reveal: vscode.TaskRevealKind.Always,
    panel: vscode.TaskPanelKind.Dedicated,
    clear: true,
    focus: false,
  };
  const mine = (execution: vscode.TaskExecution) =>
    (execution.task.definition as { run?: string }).run === run;

  // Counted from the start of the run, as the timeout is: a run stopped by a one-minute timeout
  // lasted a minute, the terminal's own start included.
  const started = Date.now();
  let finished: number | undefined;
  let exitCode: number | undefined;
  let stopped: SmokeRun['stopped'];
  let resolveEnd: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (resolveEnd = resolve));
  const ended = () => {
    finished ??= Date.now();
    resolveEnd();
  };
  // Subscribed before starting: a script that fails at once may end before executeTask returns.
  const subscriptions = [
    vscode.tasks.onDidEndTaskProcess((e) => {
      if (!mine(e.execution)) return;
      exitCode = e.exitCode;
      ended();
    }),
    // A task whose process never started (the shell itself missing) ends without a process end.
    vscode.tasks.onDidEndTask((e) => {
      if (mine(e.execution)) ended();
    }),
  ];
  let timer: NodeJS.Timeout | undefined;
  try {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Running the smoke tests in the terminal${incidentId ? ` for ${incidentId}` : ''}…`,
        cancellable: true,
      },
      async (_progress, token) => {
        const execution = await vscode.tasks.executeTask(task);
        timer = setTimeout(() => {
          stopped = { by: 'timeout', minutes: timeoutMinutes };
          execution.terminate();
        }, timeoutMinutes * 60_000);
        subscriptions.push(
          token.onCancellationRequested(() => {
            stopped = { by: 'user' };
            execution.terminate();
          }),
        );
        await end;
      },
    );
  } finally {
    clearTimeout(timer);
    for (const subscription of subscriptions) subscription.dispose();
  }
  return { command, exitCode, durationMs: (finished ?? Date.now()) - started, stopped };
}

/**
 * `FreeLMS: Run Smoke Tests`: runs `freelms.smokeTests.command` in the first workspace folder
 * and records its exit code and duration as the `smokeTests` check. A script that is missing or
 * not executable is explained with the setting to fix and recorded nowhere: that is a
 * configuration problem, not a failed test.
 */
export async function runSmokeTests(
  deps: CommandDeps,
  argument: unknown = {},
): Promise<SmokeTestsOutcome> {
  const parsed = v.safeParse(SmokeTestsArgumentSchema, argument ?? {});
  if (!parsed.success) throw new Error(`${Commands.runSmokeTests}: ${v.summarize(parsed.issues)}`);
  const a = parsed.output;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const command =
    a.command ??
    (config.get<string>('smokeTests.command', DEFAULT_COMMAND).trim() || DEFAULT_COMMAND);
  const configured = config.get<number>('smokeTests.timeoutMinutes', 15);
  const timeoutMinutes = Number.isFinite(configured) && configured > 0 ? configured : 15;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const cwd = a.cwd ?? (folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined);

  const notRun = (outcome: Extract<SmokeTestsOutcome, { outcome: 'notRun' }>) => {
    // The command is shown back: a token set in it (`SMOKE_TOKEN=…`) is not.
    const said = { ...outcome, message: redact(outcome.message) };
    deps.log.warn(`smoke tests not run: ${said.message}`);
    showError(said.message, SETTING);
    return said;
  };
  if (!cwd) {
    return notRun({
      outcome: 'notRun',
      reason: 'noFolder',
      message:
        'The smoke tests run in the first workspace folder, and none is open: open the ' +
        'repository that holds them.',
    });
  }
  const script = scriptOf(command, cwd);
  const problem = script ? await checkScript(script) : undefined;
  if (problem) {
    return notRun({
      outcome: 'notRun',
      reason: problem.kind,
      message: problemMessage(problem, command),
      path: problem.path,
    });
  }

  // Chosen now, not when the run ends up to its timeout later: by then another incident may be
  // the most severe one, and the result belongs to the incident it was run for.
  let target: string | undefined;
  try {
    target = (await recordingIncident(deps.store, a.incidentId))?.id;
  } catch (error) {
    deps.log.warn(`smoke tests: the incident to record on is unknown: ${(error as Error).message}`);
  }
  let run: SmokeRun;
  try {
    run = await runTask(command, cwd, folder, timeoutMinutes, target);
  } catch (error) {
    return notRun({
      outcome: 'notRun',
      reason: 'couldNotStart',
      message: `The smoke tests could not be started as a task: ${(error as Error).message}`,
    });
  }
  const event: NewEvent & { type: 'check.ran' } = {
    type: 'check.ran',
    check: 'smokeTests',
    ok: smokePassed(run),
    summary: smokeSummary(run),
    ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
    durationMs: run.durationMs,
    by: me(),
  };
  deps.log.info(`smoke tests in ${cwd}: ${event.summary}`);
  const incidentId = target ? await record(deps, event, target) : undefined;
  const { type: _type, ...recorded } = event;
  const show = event.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const where = incidentId
    ? ` (${incidentId})`
    : target
      ? ''
      : ' (no active incident: not recorded)';
  void show(`Smoke tests ${event.summary}${where}`, ...(event.ok ? [] : ['Run Again']))
    .then((choice) =>
      choice
        ? vscode.commands.executeCommand(Commands.runSmokeTests, { ...a, incidentId: target })
        : undefined,
    )
    .then(undefined, (error: unknown) =>
      showError(`Running the smoke tests again did not complete: ${(error as Error).message}`),
    );
  return { outcome: 'ran', ...recorded, durationMs: run.durationMs, incidentId };
}
