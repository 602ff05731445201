import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { SEVERITIES, type Severity } from '../../incident/model';
import { RESPONSE_TARGET_TEXT } from '../../incident/timers';
import { SETTINGS_SECTION } from '../ids';
import type { DeclareOffer } from './declarePanel';
import type { SeverityOption } from './protocol';

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  P1: 'Critical: platform down',
  P2: 'High: major feature broken',
  P3: 'Medium: degraded service',
  P4: 'Low: minor issue',
};

/** The runbook's severity levels, as the form offers them, with the incident core's targets. */
export const SEVERITY_OPTIONS: SeverityOption[] = SEVERITIES.map((id) => ({
  id,
  label: SEVERITY_LABELS[id],
  target:
    id === 'P4'
      ? `respond ${RESPONSE_TARGET_TEXT[id]}`
      : `respond within ${RESPONSE_TARGET_TEXT[id]}`,
}));

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
