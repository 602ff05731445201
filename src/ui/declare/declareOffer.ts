import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { SETTINGS_SECTION } from '../ids';
import type { DeclareOffer } from './declarePanel';
import type { SeverityOption } from './protocol';

/** The runbook's severity levels, as the form offers them. */
export const SEVERITY_OPTIONS: SeverityOption[] = [
  { id: 'P1', label: 'Critical: platform down', target: 'respond within 15 min' },
  { id: 'P2', label: 'High: major feature broken', target: 'respond within 1 hour' },
  { id: 'P3', label: 'Medium: degraded service', target: 'respond within 4 hours' },
  { id: 'P4', label: 'Low: minor issue', target: 'respond next business day' },
];

/**
 * What the form offers now: the settings decide which integrations are on, the cluster (when
 * the Cluster view is connected) which services can be picked.
 */
export async function currentOffer(
  secrets: vscode.SecretStorage,
  services: () => Promise<string[]>,
): Promise<DeclareOffer> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const [slackToken, pagerdutyToken, serviceNames] = await Promise.all([
    secrets.get('freelms.slack.token'),
    secrets.get('freelms.pagerduty.token'),
    services().catch(() => []),
  ]);
  const pagerdutyServices = config.get<string[]>('pagerduty.serviceIds', []);
  return {
    severities: SEVERITY_OPTIONS,
    services: serviceNames,
    commander: userInfo().username,
    integrations: {
      slack: Boolean(slackToken),
      pagerduty: Boolean(pagerdutyToken) && pagerdutyServices.length > 0,
    },
  };
}
