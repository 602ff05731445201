import type { Repository } from './client';

/** `owner/name` as typed in `freelms.followUps.githubRepository`; undefined when it is not that. */
export function parseRepository(text: string): Repository | undefined {
  const match = /^\s*([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\s*$/.exec(text);
  return match ? { owner: match[1]!, name: match[2]! } : undefined;
}

/**
 * The GitHub repository of a git remote address, when the remote is on one of `hosts`
 * (`github.com`, or a GitHub Enterprise host): `https://github.com/o/r.git`,
 * `git@github.com:o/r.git` and `ssh://git@github.com/o/r` all give `o/r`.
 */
export function repositoryFromRemote(
  remote: string,
  hosts: readonly string[] = ['github.com'],
): Repository | undefined {
  const text = remote.trim();
  let host: string;
  let path: string;
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (scpLike && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    host = scpLike[1]!;
    path = scpLike[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    host = url.hostname;
    path = url.pathname;
  }
  if (!hosts.some((allowed) => allowed.toLowerCase() === host.toLowerCase())) return undefined;
  const segments = path.replace(/^\/+|\/+$/g, '').split('/');
  return segments.length === 2 ? parseRepository(segments.join('/')) : undefined;
}

/** The web host of a GitHub API base: `github.com` for the public API, `HOST` for `https://HOST/api/v3`. */
export function githubHost(apiUrl: string): string {
  try {
    const host = new URL(apiUrl).hostname;
    return host === 'api.github.com' ? 'github.com' : host;
  } catch {
    return 'github.com';
  }
}
