/**
 * Where a running sandbox serves each simulated part of the FreeLMS platform. Written as
 * `.sandbox/endpoints.json` by `npm run sandbox`, read by `npm start`, the tests and the
 * benchmarks. Every address is on loopback.
 */
export interface SandboxEndpoints {
  /** Base URL of the Kubernetes API server (plain http). */
  kubernetes: string;
  /** Path of a kubeconfig whose current context points at `kubernetes`. */
  kubeconfig: string;
  /** Name of that context. */
  context: string;
  /** The FreeLMS namespace of the scenario. */
  namespace: string;
  /** Base URL of PagerDuty's REST API v2 (what `https://api.pagerduty.com` is for the real one). */
  pagerduty: string;
  /** Base URL of Slack's Web API, ending with `/` (what `https://slack.com/api/` is for the real one). */
  slack: string;
  /** Base URL of the FreeLMS admin API that serves `/admin/feature-flags`. */
  flags: string;
  /** Full URL of the actuator health endpoint. */
  health: string;
  /** Base URL of the status page API. */
  statusPage: string;
  /** Base URL of the GitHub REST API slice follow-up issues are opened through. */
  github: string;
  /** Base URL of the sandbox's own control API (faults, scenario switches), used by tests. */
  control: string;
  /**
   * What a user of the sandbox signs in with. Fake values the sandbox alone accepts: `npm start`
   * and the tests put them in VS Code's secret storage, where real credentials would go.
   */
  sandboxAccess: {
    tokens: {
      pagerduty: string;
      slack: string;
      flagsAdmin: string;
      statusPage: string;
      github: string;
      githubReadOnly: string;
    };
    /** A seeded PagerDuty user's e-mail, for the `From` header. */
    pagerdutyFrom: string;
    /** The seeded PagerDuty services of the FreeLMS platform. */
    pagerdutyServiceIds: string[];
    /** Seeded Slack users, invited as responders. */
    slackResponders: string[];
    /** The one status page the sandbox serves. */
    statusPageId: string;
    /** `owner/name` of the one GitHub repository the sandbox serves. */
    githubRepository: string;
  };
}
