import { userInfo } from 'node:os';

import { SEVERITIES, type Severity } from '../../incident/model';
import { RESPONSE_TARGET_TEXT } from '../../incident/timers';
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
 * What the form offers now: the settings and secrets decide which integrations are on, the
 * cluster (when it can be reached) which services can be picked.
 */
export async function currentOffer(
  unconfigured: () => Promise<{ pagerduty?: string; slack?: string; statusPage?: string }>,
  services: () => Promise<string[]>,
): Promise<DeclareOffer> {
  const [missing, serviceNames] = await Promise.all([unconfigured(), services().catch(() => [])]);
  return {
    severities: SEVERITY_OPTIONS,
    services: serviceNames,
    commander: userInfo().username,
    integrations: {
      slack: !missing.slack,
      pagerduty: !missing.pagerduty,
      statusPage: !missing.statusPage,
    },
  };
}
