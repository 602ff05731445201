import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

import * as vscode from 'vscode';

import { redact, type Log } from '../../common/log';
import { withoutLinks } from '../../common/notificationText';
import { newFollowUpsIn, renderFollowUpsMarkdown, tickedInExport } from '../../incident/followUps';
import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { GitHubClient, GitHubError, type Repository } from '../../platform/github/client';
import { githubHost, parseRepository, repositoryFromRemote } from '../../platform/github/remote';
import { postmortemFolder } from '../commands/postmortemCommand';
import { resolveIncident, type IncidentArgument } from '../commands/pickIncident';
import { me, showError, withCancellableProgress } from '../mitigation/shared';
import { timeZone } from '../settings';
import { exportToGitHub, type GitHubExportResult } from './githubExport';
import {
  forJournal,
  githubApiUrl,
  githubRepositorySetting,
  inWorkspace,
  postmortemLink,
  workspaceRoot,
} from './settings';

/** `{ incidentId?, target?, path? }`; without a target the user picks one. */
export type ExportArgument = IncidentArgument & { target?: 'markdown' | 'github'; path?: string };

/**
 * `FreeLMS: Export Follow-ups`: as a Markdown task list (returns the file's path) or as GitHub
 * issues (returns what was opened, skipped and failed).
 */
export async function exportFollowUps(
  context: vscode.ExtensionContext,
  store: IncidentStore,
  log: Log,
  argument?: ExportArgument,
): Promise<string | GitHubExportResult | undefined> {
  const incident = await resolveIncident(store, argument, { includeResolved: true });
  if (!incident) return undefined;
  const target = argument?.target ?? (await pickTarget(incident));
  if (!target) return undefined;
  if (target === 'markdown') return exportMarkdown(context, store, incident, argument?.path);
  return exportGitHub(store, incident, log);
}

async function pickTarget(incident: Incident): Promise<'markdown' | 'github' | undefined> {
  const open = incident.followUps.filter((f) => !f.done && !f.issueUrl).length;
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Markdown task list',
        detail: 'A file beside the postmortem, to commit with it',
        target: 'markdown' as const,
      },
      {
        label: 'GitHub issues',
        detail: `Opens ${open} follow-up${open === 1 ? '' : 's'} not yet linked as issues, signed in through VS Code`,
        target: 'github' as const,
      },
    ],
    { title: `Export the follow-ups of ${incident.title}` },
  );
  return picked?.target;
}

/**
 * Writes `<postmortem folder>/<id>-follow-ups.md` (or `path`) and journals `followups.exported`.
 * Boxes someone ticked in an earlier export are first recorded as done, and tasks someone wrote
 * into it added as follow-ups, so exporting again never unticks or drops them; a file open with
 * unsaved edits, or with a written task that cannot be a follow-up, is left alone.
 */
async function exportMarkdown(
  context: vscode.ExtensionContext,
  store: IncidentStore,
  incident: Incident,
  path?: string,
): Promise<string | undefined> {
  const file = path
    ? inWorkspace(path)
    : join(postmortemFolder(context), `${incident.id}-follow-ups.md`);
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.fsPath === file);
  if (open?.isDirty) {
    void vscode.window.showWarningMessage(
      `${file} has unsaved edits. Save or revert them, then export again: the export rewrites the file.`,
    );
    return undefined;
  }
  const before = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  let current = incident;
  const tickedThere = before === undefined ? [] : tickedInExport(incident, before);
  const written = before === undefined ? undefined : newFollowUpsIn(incident, before, 'export');
  if (written?.rejected.length) {
    void vscode.window.showWarningMessage(
      withoutLinks(
        `${forJournal(file)} has tasks written in it that cannot be follow-ups, and exporting ` +
          `again would rewrite them away: ${written.rejected.map((r) => `line ${r.line} "${r.text}": ${r.reason}`).join(' ')} ` +
          'Correct or remove them, then export again.',
      ),
    );
    return undefined;
  }
  const addedThere = written?.added ?? [];
  if (tickedThere.length || addedThere.length) {
    current = await store.append(incident.id, [
      ...tickedThere.map((f) => ({ type: 'followup.done' as const, followUpId: f.id, by: me() })),
      ...addedThere.map((input) => ({ type: 'followup.added' as const, ...input, by: me() })),
    ]);
  }

  const link = postmortemLink(current);
  const linkFromFile =
    link && !/^https?:\/\//.test(link)
      ? relative(dirname(file), inWorkspace(link)).split('\\').join('/')
      : link;
  const markdown = renderFollowUpsMarkdown(current, {
    timeZone: timeZone(),
    links: { postmortem: linkFromFile },
  });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, markdown);
  await store.append(incident.id, {
    type: 'followups.exported',
    path: forJournal(file),
    count: current.followUps.length,
    by: me(),
  });

  const fromFile = [
    tickedThere.length ? `${tickedThere.length} ticked in the file marked done` : '',
    addedThere.length ? `${addedThere.length} written in the file added` : '',
  ].filter(Boolean);
  const ticked = fromFile.length ? ` (${fromFile.join('; ')})` : '';
  void vscode.window
    .showInformationMessage(
      `${current.followUps.length} follow-up(s) exported to ${forJournal(file)}${ticked}.`,
      'Open',
    )
    .then((choice) => {
      if (choice) void vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    });
  return file;
}

/** Opens the follow-ups as GitHub issues and tells the user what happened, or what is missing. */
async function exportGitHub(
  store: IncidentStore,
  incident: Incident,
  log: Log,
): Promise<GitHubExportResult | undefined> {
  const apiUrl = githubApiUrl();
  const repository = await targetRepository(apiUrl);
  if (!repository) return undefined;

  let session: vscode.AuthenticationSession;
  try {
    session = await vscode.authentication.getSession('github', ['repo'], { createIfNone: true });
  } catch (error) {
    log.warn(`GitHub sign-in for exporting follow-ups failed: ${(error as Error).message}`);
    showError(
      'Not signed in to GitHub: follow-ups are opened as issues with your GitHub account in VS Code. ' +
        `Sign in from the Accounts menu (and allow the "repo" scope), then export again. (${(error as Error).message})`,
    );
    return undefined;
  }

  const client = new GitHubClient({ baseUrl: apiUrl, token: session.accessToken, log });
  try {
    const result = await withCancellableProgress(
      `Opening follow-ups as issues in ${repository.owner}/${repository.name}`,
      (signal) =>
        exportToGitHub({
          incident,
          client,
          repository,
          by: me(),
          postmortemLink: postmortemLink(incident),
          signal,
          append: (event) => store.append(incident.id, event),
        }),
    );
    reportResult(result, session.account.label);
    return result;
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    showError(githubProblem(error, session.account.label, apiUrl), 'freelms.followUps');
    return undefined;
  }
}

function reportResult(result: GitHubExportResult, account: string): void {
  const parts = [`${result.created.length} issue(s) opened in ${result.repository} as ${account}`];
  const linked = result.skipped.filter((s) => s.reason !== 'done').length;
  if (linked) parts.push(`${linked} already linked`);
  const done = result.skipped.filter((s) => s.reason === 'done').length;
  if (done) parts.push(`${done} done, not opened`);
  if (result.failed.length === 0) {
    void vscode.window.showInformationMessage(`${parts.join('; ')}.`);
    return;
  }
  if (result.failed.every((f) => f.error.kind === 'cancelled')) {
    void vscode.window.showWarningMessage(
      `${parts.join('; ')}; cancelled with ${result.failed.length} not opened yet: export ` +
        'again to open them.',
    );
    return;
  }
  const failed = result.failed.map((f) => `"${f.text}": ${f.error.message}`).join('; ');
  showError(
    `${parts.join('; ')}; ${result.failed.length} failed (export again to retry them): ${failed}`,
  );
}

/** What is missing, in words: sign-in, access, the repository, or the network. */
function githubProblem(error: GitHubError, account: string, apiUrl: string): string {
  switch (error.kind) {
    case 'unauthorized':
      return (
        `GitHub did not accept the sign-in of ${account} (401). Sign out of GitHub in the ` +
        'Accounts menu, sign in again, then export again.'
      );
    case 'forbidden':
      return (
        `GitHub refused to open issues in ${error.repository} for ${account} (403): the ` +
        'account needs write access to the repository and the sign-in the "repo" scope. ' +
        `GitHub said: ${error.message}`
      );
    case 'notFound':
      return (
        `GitHub has no repository ${error.repository} that ${account} can see (404). Check ` +
        "freelms.followUps.githubRepository (or the origin remote) and the account's access."
      );
    case 'rateLimited': {
      const wait = error.retryAfterMs;
      const when =
        wait === undefined ? 'later' : `in ${Math.max(1, Math.ceil(wait / 60_000))} min or more`;
      return (
        `GitHub's rate limit for ${account} is used up (${error.status}): export again ${when}. ` +
        'Nothing was opened twice.'
      );
    }
    case 'cancelled':
      return `Export to ${error.repository} cancelled before any issue was opened.`;
    case 'network':
      return (
        `GitHub at ${apiUrl} could not be reached: ${error.message}. ` +
        'Check freelms.followUps.githubApiUrl and the network.'
      );
    default:
      return error.message;
  }
}

/** The setting's repository, else the workspace's `origin` when it is on GitHub; says which is missing. */
async function targetRepository(apiUrl: string): Promise<Repository | undefined> {
  const configured = githubRepositorySetting();
  if (configured) {
    const repository = parseRepository(configured);
    if (!repository)
      showError(
        `freelms.followUps.githubRepository is "${configured}", not owner/name (for example freelms/platform).`,
        'freelms.followUps.githubRepository',
      );
    return repository;
  }
  const root = workspaceRoot();
  const remote = root ? await originRemote(root) : undefined;
  const repository = remote ? repositoryFromRemote(remote, [githubHost(apiUrl)]) : undefined;
  if (!repository) {
    const why = !root
      ? 'no folder is open'
      : remote
        ? `its origin remote ${redact(remote)} is not on ${githubHost(apiUrl)}`
        : 'the workspace has no git origin remote';
    showError(
      `No GitHub repository to open follow-ups in: ${why}. Set freelms.followUps.githubRepository to owner/name.`,
      'freelms.followUps.githubRepository',
    );
  }
  return repository;
}

async function originRemote(root: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['remote', 'get-url', 'origin'], {
      cwd: root,
      timeout: 5000,
    });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
