import type { FollowUp, Incident, NewEvent } from '../../incident/model';
import {
  GitHubError,
  repositoryName,
  type GitHubClient,
  type Repository,
} from '../../platform/github/client';

/** What one export to GitHub did, follow-up by follow-up. */
export interface GitHubExportResult {
  repository: string;
  created: Array<{ followUpId: string; url: string }>;
  /** Not opened: already linked to an issue, found on GitHub from an earlier run, or done. */
  skipped: Array<{ followUpId: string; reason: 'linked' | 'found' | 'done'; url?: string }>;
  failed: Array<{ followUpId: string; text: string; error: GitHubError }>;
}

export interface GitHubExportOptions {
  incident: Incident;
  client: GitHubClient;
  repository: Repository;
  /** Journals an event; called right after each issue is opened. */
  append: (event: NewEvent) => Promise<unknown>;
  by: string;
  /** Where the postmortem can be read, for the issue's body. */
  postmortemLink?: string;
  signal?: AbortSignal;
}

// A GitHub call that fails this way fails the same way for every other follow-up too.
const STOPS_THE_EXPORT = new Set([
  'unauthorized',
  'forbidden',
  'notFound',
  'rateLimited',
  'network',
  'cancelled',
]);

/**
 * Opens each open follow-up not yet linked as an issue, and journals `followup.linked` right
 * after each one, so a second export (or one after a crash) never opens it twice. An issue that
 * an interrupted earlier export opened but could not journal is found by the marker in its body
 * and linked instead of opened again. A failure that would repeat for every follow-up (no
 * access, no repository, rate limit, no network) ends the export; if it happens before anything
 * was opened it is thrown, for the caller to say what is missing.
 */
export async function exportToGitHub(options: GitHubExportOptions): Promise<GitHubExportResult> {
  const { incident, client, repository } = options;
  const result: GitHubExportResult = {
    repository: repositoryName(repository),
    created: [],
    skipped: [],
    failed: [],
  };
  const todo: FollowUp[] = [];
  for (const followUp of incident.followUps) {
    if (followUp.issueUrl)
      result.skipped.push({ followUpId: followUp.id, reason: 'linked', url: followUp.issueUrl });
    else if (followUp.done) result.skipped.push({ followUpId: followUp.id, reason: 'done' });
    else todo.push(followUp);
  }
  if (todo.length === 0) return result;

  const earlier = await client.issuesSince(repository, incident.declaredAt, options.signal);
  const link = async (followUp: FollowUp, url: string) =>
    options.append({ type: 'followup.linked', followUpId: followUp.id, url, by: options.by });

  for (const [index, followUp] of todo.entries()) {
    const found = earlier.find((issue) => issue.body?.includes(marker(incident, followUp)));
    if (found) {
      await link(followUp, found.url);
      result.skipped.push({ followUpId: followUp.id, reason: 'found', url: found.url });
      continue;
    }
    try {
      const issue = await client.createIssue(
        repository,
        {
          title: issueTitle(followUp),
          body: issueBody(incident, followUp, options.postmortemLink),
        },
        options.signal,
      );
      await link(followUp, issue.url);
      result.created.push({ followUpId: followUp.id, url: issue.url });
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      if (STOPS_THE_EXPORT.has(error.kind)) {
        if (result.created.length === 0) throw error;
        for (const rest of todo.slice(index))
          result.failed.push({ followUpId: rest.id, text: rest.text, error });
        break;
      }
      result.failed.push({ followUpId: followUp.id, text: followUp.text, error });
    }
  }
  return result;
}

/** Hidden in the issue's body: which follow-up of which incident the issue is. */
function marker(incident: Incident, followUp: FollowUp): string {
  return `<!-- freelms-follow-up: ${incident.id}/${followUp.id} -->`;
}

// GitHub caps titles at 256 characters.
function issueTitle(followUp: FollowUp): string {
  return followUp.text.length > 256 ? `${followUp.text.slice(0, 255)}…` : followUp.text;
}

function issueBody(incident: Incident, followUp: FollowUp, postmortemLink?: string): string {
  const lines = [
    `Follow-up of the ${incident.severity} incident **${incident.title}** (\`${incident.id}\`).`,
    '',
    followUp.text,
    '',
  ];
  if (followUp.owner) lines.push(`- Owner: ${followUp.owner}`);
  if (followUp.due) lines.push(`- Due: ${followUp.due}`);
  if (postmortemLink) lines.push(`- Postmortem: ${postmortemLink}`);
  if (incident.slack?.url) lines.push(`- Incident channel: ${incident.slack.url}`);
  lines.push('', marker(incident, followUp));
  return lines.join('\n');
}
