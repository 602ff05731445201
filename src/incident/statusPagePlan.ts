import type { StatusPageImpact, StatusPageStatus } from '../platform/statuspage/client';
import type { DeliveryOp, DeliverySettings, PlannedDelivery } from './deliveries';
import { deriveIncident } from './derive';
import type { Incident, IncidentEvent, IncidentStatus, Severity } from './model';
import { customerResolutionMessage, customerUpdateMessage, plainFromSlack } from './templates';

/** The page knows no "mitigated": a fix applied but not yet watched is still "identified". */
const PAGE_STATUS: Readonly<Record<IncidentStatus, StatusPageStatus>> = {
  investigating: 'investigating',
  identified: 'identified',
  mitigated: 'identified',
  monitoring: 'monitoring',
  resolved: 'resolved',
};

/** P1 is always critical on the page; anything less shows the configured impact. */
export function statusPageImpact(severity: Severity, setting?: StatusPageImpact): StatusPageImpact {
  return severity === 'P1' ? 'critical' : (setting ?? 'major');
}

/** Customers notice a P1, a P2 or a major outage at once: the page says so from the start. */
export function publicAtOnce(severity: Severity, majorOutage: boolean): boolean {
  return severity === 'P1' || severity === 'P2' || majorOutage;
}

/**
 * What the customer-facing status page gets from the journal. Pure, like the rest of planning,
 * and every text is fixed by its event (the incident as it stood then), so a retry sends the
 * very same words:
 *
 * - the page incident opens at the declaration of a P1, P2 or major outage, when a lower
 *   severity is raised to P2 or above, or else with the first customer or status page update;
 * - each later customer or status page update, and the move to monitoring, is an update;
 * - the resolution resolves it. After that, nothing more goes to the page.
 */
export function planStatusPage(
  incident: Incident,
  settings: DeliverySettings = {},
): PlannedDelivery[] {
  const plan: PlannedDelivery[] = [];
  const events = incident.events;
  const asOf = (index: number) => deriveIncident(events.slice(0, index + 1));
  const plain = { format: 'plain' } as const;
  let opened = false;
  const add = (
    event: IncidentEvent,
    op: DeliveryOp,
    label: string,
    text: string,
    page: NonNullable<PlannedDelivery['page']>,
  ) =>
    plan.push({
      key: `${event.id}:${op}`,
      target: 'statuspage',
      op,
      eventId: event.id,
      label,
      text,
      page,
      blocking: op === 'sp.create',
    });
  const open = (event: IncidentEvent, then: Incident, body: string) => {
    opened = true;
    const name = then.publicTitle ?? then.title;
    add(event, 'sp.create', `Status page: open "${clip(name)}"`, body, {
      status: PAGE_STATUS[then.status],
      name,
      impact: statusPageImpact(then.severity, settings.statusPageImpact),
    });
  };

  for (const [index, event] of events.entries()) {
    if (event.type === 'declared' || event.type === 'severity.changed') {
      const then = asOf(index);
      if (!opened && publicAtOnce(then.severity, then.majorOutage))
        open(event, then, customerUpdateMessage(then, plain));
    } else if (event.type === 'update.posted' && event.audience !== 'internal') {
      const then = asOf(index);
      const body = plainFromSlack(event.text);
      if (!opened) open(event, then, body);
      else {
        const status = PAGE_STATUS[then.status];
        add(event, 'sp.update', `Status page: update (${status})`, body, { status });
      }
    } else if (event.type === 'status.changed' && event.status === 'monitoring' && opened) {
      // Saying "monitoring" again while monitoring tells customers nothing new.
      if (asOf(index - 1).status === 'monitoring') continue;
      add(
        event,
        'sp.update',
        'Status page: monitoring',
        customerUpdateMessage(asOf(index), plain),
        {
          status: 'monitoring',
        },
      );
    } else if (event.type === 'resolved') {
      if (opened) {
        const then = asOf(index);
        add(event, 'sp.resolve', 'Status page: resolve', customerResolutionMessage(then, plain), {
          status: 'resolved',
        });
      }
      break;
    }
  }
  return plan;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
