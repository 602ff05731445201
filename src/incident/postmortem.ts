import { ROLE_TITLES, type Incident, type Role } from './model';
import { between, describeAction, describeEvent, formatDuration, formatTime } from './describe';
import { PLACEHOLDER_TASK, taskLine } from './followUps';
import { followUpDeadline, RESPONSE_TARGET_TEXT } from './timers';

export interface PostmortemOptions {
  /** IANA time zone for every time in the document, e.g. `Europe/Berlin`. */
  timeZone: string;
}

/**
 * The postmortem of an incident as Markdown. Deterministic: it reads nothing but the journal
 * (no clock, no environment), so the same journal always gives the same document and a
 * regenerated postmortem diffs cleanly in git. Secrets never reach it: the journal holds none,
 * and free text from checks and queries is redacted once more on the way in.
 */
export function renderPostmortem(incident: Incident, options: PostmortemOptions): string {
  const tz = options.timeZone;
  const time = (iso: string | undefined) => (iso ? `${formatTime(iso, tz)} (${tz})` : 'not yet');
  const span = (from: string | undefined, to: string | undefined) => {
    const ms = between(from, to);
    return ms === undefined ? 'n/a' : formatDuration(ms);
  };
  const out: string[] = [];

  out.push(`# Postmortem: ${incident.title}`, '');
  out.push(`Incident \`${incident.id}\` · ${incident.severity} · ${incident.status}`, '');

  out.push('## Summary', '');
  out.push(incident.summary ?? incident.description ?? '_To be written by the authors._', '');

  out.push('## Severity and times', '');
  out.push('| | |', '|---|---|');
  out.push(
    `| Severity | ${incident.severity} (response target ${RESPONSE_TARGET_TEXT[incident.severity]}) |`,
  );
  out.push(`| Impact started | ${time(incident.startedAt)} |`);
  out.push(`| Detected | ${time(incident.detectedAt)} |`);
  out.push(`| Declared | ${time(incident.declaredAt)} |`);
  out.push(`| Acknowledged | ${time(incident.acknowledgedAt)} |`);
  out.push(`| Mitigated | ${time(incident.mitigatedAt)} |`);
  out.push(`| Resolved | ${time(incident.resolvedAt)} |`);
  out.push(
    `| Time to acknowledge (from detection) | ${span(incident.detectedAt, incident.acknowledgedAt)} |`,
  );
  out.push(
    `| Time to mitigate (from detection) | ${span(incident.detectedAt, incident.mitigatedAt)} |`,
  );
  out.push(
    `| Time to resolve (from detection) | ${span(incident.detectedAt, incident.resolvedAt)} |`,
    '',
  );

  out.push('## Impact', '');
  out.push(
    `- Services affected: ${incident.services.length > 0 ? incident.services.join(', ') : 'not recorded'}`,
  );
  out.push(`- Users impacted: ${incident.usersImpacted ?? 'not recorded'}`);
  out.push(`- Data at risk: ${incident.dataAtRisk ?? 'not recorded'}`);
  // Resolve offers the users impacted as the impact: accepted as it is, it is said once.
  if (incident.impact && incident.impact.trim() !== incident.usersImpacted?.trim())
    out.push(`- Impact: ${incident.impact}`);
  // What customers were told, for the authors to check the postmortem against.
  if (incident.statusPage)
    out.push(
      `- Status page incident: ${incident.statusPage.url ?? incident.statusPage.incidentId}`,
    );
  out.push('');

  out.push('## Roles', '');
  for (const role of Object.keys(ROLE_TITLES) as Role[]) {
    out.push(`- ${ROLE_TITLES[role]}: ${incident.roles[role] ?? 'not assigned'}`);
  }
  out.push('');

  out.push(`## Timeline (${tz})`, '');
  out.push('| Time | Event | By |', '|---|---|---|');
  for (const event of incident.events) {
    const text = describeEvent(event);
    if (text === undefined) continue;
    out.push(
      `| ${formatTime(event.at, tz, 'yyyy-MM-dd HH:mm:ss')} | ${cell(text)} | ${cell(event.by ?? '')} |`,
    );
  }
  out.push('');

  out.push('## Actions taken', '');
  if (incident.actions.length === 0) out.push('No mitigation was recorded.');
  for (const event of incident.actions) {
    const outcome = event.ok ? '' : ' — failed';
    out.push(
      `- ${formatTime(event.at, tz)}: ${describeAction(event.action)}${outcome}${event.by ? ` (${event.by})` : ''}`,
    );
  }
  out.push('');

  out.push('## Root cause', '');
  out.push(incident.rootCause ?? '_To be written by the authors._', '');
  out.push('## Contributing factors', '');
  out.push('_To be written by the authors._', '');

  out.push('## Follow-ups', '');
  const deadline = followUpDeadline(incident);
  out.push(
    deadline
      ? `Due within 48 hours of resolution: by ${time(deadline)}.`
      : 'Due within 48 hours of resolution (the incident is not resolved yet).',
    '',
  );
  // The same line the authors add follow-ups with: saving the postmortem reads new ones back.
  if (incident.followUps.length === 0) out.push(`- [ ] ${PLACEHOLDER_TASK}`);
  for (const f of incident.followUps) out.push(taskLine(f, 'postmortem'));
  out.push('');

  out.push('## Blameless review', '');
  out.push(
    'This review is blameless: it asks how the system and the process let this happen and how to make ' +
      'them safer, not who is at fault. People acted on what they knew at the time.',
    '',
  );
  return out.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

// Table cells may not contain pipes or line breaks.
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}
