import * as vscode from 'vscode';

import {
  DatabaseError,
  describeTarget,
  queryAction,
  runCorrective,
  runReadOnly,
  statementHead,
} from '../../platform/database';
import { databaseTarget, type DiagnosticsDeps } from '../diagnostics/diagnosticsCommands';
import { me, preconfirmed, record, showError } from './shared';

/**
 * `{ statement, write?, confirm?, commit?, incidentId? }`. Read-only unless `write` is true; a
 * scripted write with `confirm: true` commits only when `commit` is true, else rolls back.
 */
export interface CorrectiveArgument {
  statement?: string;
  write?: boolean;
  confirm?: boolean;
  commit?: boolean;
  incidentId?: string;
}

/** What `FreeLMS: Run Corrective Query` did. */
export interface CorrectiveResult {
  outcome: 'read' | 'committed' | 'rolledBack' | 'refused' | 'cancelled' | 'failed';
  mode: 'readOnly' | 'write';
  rowCount?: number;
  columns?: string[];
  /** The first 100 rows of a read, or the `RETURNING` rows of a write. */
  rows?: Record<string, unknown>[];
  /** A DatabaseError kind for a refusal or failure: `readOnly`, `permission`… */
  reason?: string;
  message: string;
  incidentId?: string;
}

/** Shows rows as a plain-text table in an untitled editor, for reading beside the incident. */
async function showRows(statement: string, columns: string[], rows: Record<string, unknown>[]) {
  const cell = (value: unknown) =>
    value === null || value === undefined
      ? 'NULL'
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  const widths = columns.map((c) =>
    Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))),
  );
  const line = (values: string[]) =>
    values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!)).join(' | ');
  const text = [
    `-- ${statement}`,
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    `(${rows.length} rows)`,
  ].join('\n');
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'sql' });
  await vscode.window.showTextDocument(document, { preview: true });
}

/**
 * `FreeLMS: Run Corrective Query`. Read-only by default: the session itself refuses writes. A
 * writing statement runs only when asked for, after the user types the database's name under
 * a staging reminder, inside a transaction whose affected rows are shown before Commit or Roll
 * Back. The statement and its outcome go on the timeline; the password never does.
 */
export async function runCorrectiveQuery(
  deps: Omit<DiagnosticsDeps, 'tree'>,
  argument?: CorrectiveArgument,
): Promise<CorrectiveResult | undefined> {
  const target = await databaseTarget(deps);
  const where = describeTarget(target);
  const statement =
    argument?.statement ??
    (await vscode.window.showInputBox({
      title: `SQL statement for ${where}`,
      prompt: 'Runs read-only unless you choose otherwise next.',
      ignoreFocusOut: true,
    }));
  if (!statement?.trim()) return undefined;
  let write = argument?.write;
  if (write === undefined && argument?.statement === undefined) {
    const mode = await vscode.window.showQuickPick(
      [
        { label: 'Read-only', description: 'the session refuses any change', write: false },
        {
          label: 'Corrective: may write',
          description: 'in a transaction; you see the rows affected, then commit or roll back',
          write: true,
        },
      ],
      { title: `Run "${statementHead(statement)}" on ${where} as…` },
    );
    if (!mode) return undefined;
    write = mode.write;
  }
  try {
    if (!write) {
      const result = await runReadOnly(target, statement);
      if (argument?.statement === undefined) await showRows(statement, result.columns, result.rows);
      return {
        outcome: 'read',
        mode: 'readOnly',
        rowCount: result.rowCount,
        columns: result.columns,
        rows: result.rows.slice(0, 100),
        message: `${result.rowCount} rows from ${where} in ${result.elapsedMs} ms (read-only).`,
      };
    }
    if (!preconfirmed(argument)) {
      const typed = await vscode.window.showInputBox({
        title: `This statement may change data in ${where}`,
        prompt:
          `Tried on staging first? Type the database name "${target.database}" to run ` +
          `"${statementHead(statement)}" in a transaction; you decide on commit afterwards.`,
        ignoreFocusOut: true,
        validateInput: (v) => (v === target.database ? undefined : `Type ${target.database}.`),
      });
      if (typed !== target.database)
        return { outcome: 'cancelled', mode: 'write', message: 'Not confirmed.' };
    }
    const run = await runCorrective(target, statement);
    let commit: boolean;
    if (preconfirmed(argument)) {
      commit = argument?.commit === true;
    } else {
      const choice = await vscode.window.showWarningMessage(
        `${run.command} affected ${run.rowsAffected} rows in ${where}. Commit?`,
        { modal: true, detail: `${statement}\n\nNot committed yet: Roll Back undoes it.` },
        'Commit',
        'Roll Back',
      );
      commit = choice === 'Commit';
    }
    const outcome = commit ? await run.commit() : await run.rollback();
    const message =
      `${statementHead(statement)}: ${outcome.rowsAffected} rows ` +
      `${outcome.committed ? 'committed' : 'rolled back'} on ${where}.`;
    const incidentId = await record(
      deps,
      {
        type: 'action.taken',
        action: queryAction(outcome),
        ok: true,
        summary: message,
        by: me(),
      },
      argument?.incidentId,
    );
    void vscode.window.showInformationMessage(message);
    return {
      outcome: outcome.committed ? 'committed' : 'rolledBack',
      mode: 'write',
      rowCount: outcome.rowsAffected,
      rows: run.rows,
      message,
      incidentId,
    };
  } catch (error) {
    const kind = error instanceof DatabaseError ? error.kind : 'failed';
    const base = `"${statementHead(statement)}" on ${where}: ${(error as Error).message}`;
    const message =
      kind === 'readOnly'
        ? `${base} The session is read-only; to change data, run it again as "Corrective: may ` +
          'write" (try it on staging first).'
        : base;
    deps.log.warn(message);
    if (kind === 'readOnly') void vscode.window.showWarningMessage(message);
    else showError(message, 'freelms.database');
    return {
      outcome: kind === 'readOnly' ? 'refused' : 'failed',
      mode: write ? 'write' : 'readOnly',
      reason: kind,
      message,
    };
  }
}
