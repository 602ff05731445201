import * as vscode from 'vscode';

import type { CheckKind } from '../../incident/model';
import { describeTarget, type DatabaseTarget } from '../../platform/database';
import { checkDatabase } from '../../platform/databaseChecks';
import { checkHealth } from '../../platform/health';
import { consumerLagViaExec } from '../../platform/kafka';
import { recentErrors } from '../../platform/kube/recentErrors';
import { redisInfo, redisInfoViaExec } from '../../platform/redis';
import type { Credentials } from '../credentials';
import { Commands, SETTINGS_SECTION, Views } from '../ids';
import { connectionOf, me, record, showError, type CommandDeps } from '../mitigation/shared';
import type { DiagnosticsTree } from './diagnosticsTree';
import {
  databaseResult,
  errorsResult,
  healthResult,
  kafkaResult,
  podsResult,
  redisResult,
  type DiagnosticResult,
} from './summaries';

/** What the diagnostics commands need. */
export interface DiagnosticsDeps extends CommandDeps {
  credentials: Credentials;
  tree: DiagnosticsTree;
}

/** `{ incidentId?, quiet? }`: where to record, and whether to skip the notification. */
export interface CheckArgument {
  incidentId?: string;
  /** No notification (the Initial Assessment shows one summary instead). */
  quiet?: boolean;
}

/** A check's result, or why it could not run (then `ok` is false and `error` says why). */
export type CheckOutcome = DiagnosticResult & { error?: string };

const config = () => vscode.workspace.getConfiguration(SETTINGS_SECTION);

/** The settings area whose values a failed check most likely needs. */
const SETTINGS_OF: Partial<Record<CheckKind, string>> = {
  health: 'freelms.health',
  database: 'freelms.database',
  redis: 'freelms.redis',
  kafka: 'freelms.kafka',
  pods: 'freelms.kube',
  errors: 'freelms.kube',
};

/** Database settings and the password from secret storage; never logged. */
export async function databaseTarget(
  deps: Pick<DiagnosticsDeps, 'credentials' | 'log'>,
): Promise<DatabaseTarget> {
  const c = config();
  return {
    host: c.get<string>('database.host', '127.0.0.1'),
    port: c.get<number>('database.port', 5432),
    database: c.get<string>('database.name', 'freelms'),
    user: c.get<string>('database.user', 'freelms'),
    password: (await deps.credentials.get('database')) || undefined,
    sslmode: c.get<DatabaseTarget['sslmode']>('database.sslmode', 'disable'),
    log: deps.log,
  };
}

const RUNNERS: Partial<Record<CheckKind, (deps: DiagnosticsDeps) => Promise<DiagnosticResult>>> = {
  health: async (deps) => {
    const url = config().get<string>('health.url', '');
    if (!url) throw new Error('No health endpoint configured: set freelms.health.url.');
    return healthResult(await checkHealth(url, { log: deps.log }));
  },
  database: async (deps) => {
    const target = await databaseTarget(deps);
    return databaseResult(await checkDatabase(target), describeTarget(target));
  },
  redis: async (deps) => {
    const pod = config().get<string>('redis.pod', 'redis-0');
    if (pod) {
      const connection = await connectionOf(deps.cluster);
      const info = await redisInfoViaExec(connection, pod);
      return redisResult(info, `redis-cli INFO in ${pod} (${connection.namespace})`);
    }
    const url = config().get<string>('redis.url', 'redis://127.0.0.1:6379');
    const shown = url.replace(/\/\/[^@/]*@/, '//');
    return redisResult(await redisInfo({ url, log: deps.log }), shown);
  },
  kafka: async (deps) => {
    const pod = config().get<string>('kafka.pod', 'kafka-0');
    const connection = await connectionOf(deps.cluster);
    const report = await consumerLagViaExec(connection, pod);
    return kafkaResult(report, `kafka-consumer-groups.sh in ${pod} (${connection.namespace})`);
  },
  pods: async (deps) => {
    const connection = await connectionOf(deps.cluster);
    return podsResult(deps.cluster.model?.unhealthyPods() ?? [], connection.namespace);
  },
  errors: async (deps) => {
    const connection = await connectionOf(deps.cluster);
    const selector = config().get<string>('kube.partOfLabel', '');
    const minutes = 15;
    const result = await recentErrors(connection, { minutes, selector: selector || undefined });
    return errorsResult(result, minutes);
  },
};

/**
 * Runs one check, shows its result in the Diagnostics view and records it on the incident as
 * `check.ran`. A check that cannot run is itself a finding: it is shown and recorded failed.
 */
export async function runCheck(
  deps: DiagnosticsDeps,
  check: CheckKind,
  argument: CheckArgument = {},
): Promise<CheckOutcome> {
  const runner = RUNNERS[check];
  if (!runner) throw new Error(`There is no ${check} check in the Diagnostics view.`);
  deps.tree.setRunning(check, true);
  let outcome: CheckOutcome;
  try {
    outcome = await runner(deps);
  } catch (error) {
    const message = (error as Error).message;
    deps.log.warn(`${check} check failed: ${message}`);
    outcome = {
      check,
      ok: false,
      summary: `could not run: ${message}`,
      details: [{ label: 'error', description: message, warning: true }],
      at: new Date(),
      error: message,
    };
    if (!argument.quiet)
      showError(`The ${check} check could not run: ${message}`, SETTINGS_OF[check]);
  }
  deps.tree.set(outcome);
  await record(
    deps,
    { type: 'check.ran', check, ok: outcome.ok, summary: outcome.summary, by: me() },
    argument.incidentId,
  );
  if (!argument.quiet && !outcome.error) notifyOutcome(outcome);
  return outcome;
}

/**
 * One notification for a check's result. A failing one names where it ran and offers the next
 * step of the runbook: the unhealthy pods for a health endpoint that is not UP.
 */
function notifyOutcome(outcome: CheckOutcome): void {
  const where = outcome.target ? ` (${outcome.target})` : '';
  const text = `${outcome.check}${where}: ${outcome.summary}`;
  if (outcome.ok) {
    void vscode.window.showInformationMessage(text, 'Show Details').then((choice) => {
      if (choice) void vscode.commands.executeCommand(`${Views.diagnostics}.focus`);
    });
    return;
  }
  const next = outcome.check === 'health' ? ['Show Unhealthy Pods', 'Show Recent Errors'] : [];
  void vscode.window.showWarningMessage(text, ...next, 'Show Details').then((choice) => {
    if (choice === 'Show Unhealthy Pods')
      void vscode.commands.executeCommand(Commands.showUnhealthyPods);
    else if (choice === 'Show Recent Errors')
      void vscode.commands.executeCommand(Commands.showRecentErrors);
    else if (choice) void vscode.commands.executeCommand(`${Views.diagnostics}.focus`);
  });
}

/** What `FreeLMS: Initial Assessment` found, check by check. */
export interface AssessmentOutcome {
  health: CheckOutcome;
  pods: CheckOutcome;
  errors: CheckOutcome;
  ok: boolean;
}

/**
 * `FreeLMS: Initial Assessment`: the runbook's first minutes at once (health endpoint, unhealthy
 * pods, recent errors), each shown in the Diagnostics view and recorded as `check.ran`, with one
 * summary notification.
 */
export async function initialAssessment(
  deps: DiagnosticsDeps,
  argument: CheckArgument = {},
): Promise<AssessmentOutcome> {
  const quiet = { ...argument, quiet: true };
  const [health, pods, errors] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Initial assessment…' },
    () =>
      Promise.all([
        runCheck(deps, 'health', quiet),
        runCheck(deps, 'pods', quiet),
        runCheck(deps, 'errors', quiet),
      ]),
  );
  const ok = health.ok && pods.ok && errors.ok;
  if (!argument.quiet) {
    const text = `Health: ${health.summary}. Pods: ${pods.summary}. Errors: ${errors.summary}.`;
    const show = ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, 'Show Details').then((choice) => {
      if (choice) void vscode.commands.executeCommand(`${Views.diagnostics}.focus`);
    });
  }
  return { health, pods, errors, ok };
}
