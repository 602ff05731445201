import { isAbsolute, join, relative } from 'node:path';

import * as vscode from 'vscode';

import type { Incident, PostmortemWrittenEvent } from '../../incident/model';
import { SETTINGS_SECTION } from '../ids';

const config = () => vscode.workspace.getConfiguration(SETTINGS_SECTION);

/** The first workspace folder on disk, where exports, invitations and runbooks live. */
export function workspaceRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** A path as typed in a setting or an argument: relative ones are inside the workspace. */
export function inWorkspace(path: string): string {
  const root = workspaceRoot();
  return isAbsolute(path) || !root ? path : join(root, path);
}

/** A path as the journal keeps it: relative to the workspace when inside it, so teammates share it. */
export function forJournal(path: string): string {
  const root = workspaceRoot();
  if (!root) return path;
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside.split('\\').join('/');
}

/** Length of the review, `freelms.review.durationMinutes`, at least 15. */
export function reviewDurationMinutes(): number {
  return Math.max(15, Math.round(config().get<number>('review.durationMinutes', 60)));
}

/** `freelms.review.attendees`: addresses invited besides the responders. */
export function configuredAttendees(): string[] {
  return config().get<string[]>('review.attendees', []);
}

/** `freelms.followUps.githubRepository`, empty when the origin remote should say. */
export function githubRepositorySetting(): string {
  return config().get<string>('followUps.githubRepository', '').trim();
}

export function githubApiUrl(): string {
  return config().get<string>('followUps.githubApiUrl', 'https://api.github.com').trim();
}

/** `freelms.runbook.path` as a path on disk, or undefined when the built-in runbook is used. */
export function runbookPath(): string | undefined {
  const configured = config().get<string>('runbook.path', '').trim();
  return configured ? inWorkspace(configured) : undefined;
}

/**
 * Where the incident's postmortem can be read: under `freelms.postmortem.baseUrl` when set (the
 * repository's web view, say), else its path in the workspace; undefined until one is written.
 */
export function postmortemLink(incident: Incident): string | undefined {
  const written = incident.events.findLast(
    (event): event is PostmortemWrittenEvent => event.type === 'postmortem.written',
  );
  if (!written) return undefined;
  if (/^https?:\/\//.test(written.path)) return written.path;
  const path = forJournal(written.path);
  const base = config().get<string>('postmortem.baseUrl', '').trim();
  if (base && !isAbsolute(path)) return `${base.replace(/\/+$/, '')}/${path}`;
  return path;
}
