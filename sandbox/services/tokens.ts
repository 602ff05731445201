/**
 * The credentials the sandbox accepts, one per simulated service. They are deliberately shaped
 * like nothing real (no `xoxb-` prefix, no PagerDuty key format), so a leaked log line or a
 * committed settings file can never be mistaken for, or work as, a production secret.
 */
export const SANDBOX_TOKENS = {
  /** PagerDuty REST v2: `Authorization: Token token=sandbox-pagerduty-token` (or `Bearer …`). */
  pagerduty: 'sandbox-pagerduty-token',
  /** Slack Web API bot token: `Authorization: Bearer …` or the `token` parameter. */
  slack: 'sandbox-slack-bot-token',
  /** FreeLMS admin API (`/admin/feature-flags`): `Authorization: Bearer …`, the runbook's `$ADMIN_TOKEN`. */
  flagsAdmin: 'sandbox-admin-token',
  /** Status page API: `Authorization: OAuth …` as Statuspage.io expects (`Bearer …` also accepted). */
  statusPage: 'sandbox-statuspage-token',
  /** GitHub REST API (follow-up issues): `Authorization: Bearer …`, may read and open issues. */
  github: 'sandbox-github-token',
  /** GitHub REST API, read only: opening an issue answers 403, as a token without `repo` scope. */
  githubReadOnly: 'sandbox-github-readonly-token',
} as const;

/** E-mail of the seeded PagerDuty user on call; any seeded user's address works as `From`. */
export const SANDBOX_PAGERDUTY_FROM = 'oncall@freelms.example';

/** `owner/name` of the one GitHub repository the sandbox serves issues of. */
export const SANDBOX_GITHUB_REPOSITORY = 'freelms/platform';

/** Id of the one status page the sandbox serves. */
export const SANDBOX_STATUS_PAGE_ID = 'freelmsstatus';
