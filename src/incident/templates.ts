import { formatDuration, intervalToDuration } from 'date-fns';

import { channelName } from './ids';
import type { Incident } from './model';
import { formatTime } from './describe';

/** Where the text goes: Slack's mrkdwn, or plain text for the status page and e-mail. */
export type TemplateFormat = 'slack' | 'plain';

export interface TemplateOptions {
  format: TemplateFormat;
  /** Slack channel prefix from settings; `incident-` by default. */
  channelPrefix?: string;
  /** Public status page, from settings. */
  statusPageUrl?: string;
  /** Minutes between customer updates, as promised in the customer template. */
  updateMinutes?: number;
}

// Slack treats only these three as control characters in mrkdwn text.
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A line of a message; a row whose value is undefined (nothing known) is left out. */
type Row = [label: string | undefined, value: string | undefined, raw?: 'raw'];

function lines(options: TemplateOptions, rows: Row[]): string {
  const slack = options.format === 'slack';
  return rows
    .filter((row): row is [string | undefined, string, 'raw'?] => row[1] !== undefined)
    .map(([label, value, raw]) => {
      const text = slack && !raw ? escapeSlack(value) : value;
      if (!label) return text;
      return slack ? `*${label}:* ${text}` : `${label}: ${text}`;
    })
    .join('\n');
}

function statusText(incident: Incident): string {
  return incident.status.charAt(0).toUpperCase() + incident.status.slice(1);
}

function impactText(incident: Incident): string {
  return (
    incident.impact ??
    (incident.usersImpacted ? `${incident.usersImpacted} impacted` : 'being assessed')
  );
}

function channelText(incident: Incident, options: TemplateOptions): string {
  // Slack links `<#C…>` itself; the `|name` part is what a preview shows before it is sent.
  if (options.format === 'slack' && incident.slack?.channelId)
    return incident.slack.channelName
      ? `<#${incident.slack.channelId}|${incident.slack.channelName}>`
      : `<#${incident.slack.channelId}>`;
  return `#${incident.slack?.channelName ?? channelName(incident.id, options.channelPrefix)}`;
}

/** The runbook's "Initial Response (Internal)" message. */
export function declarationMessage(incident: Incident, options: TemplateOptions): string {
  const title = `🚨 INCIDENT DECLARED - ${incident.severity}`;
  const heading = options.format === 'slack' ? `*${title}*` : title;
  const body = lines(options, [
    ['Issue', incident.description ? `${incident.title}: ${incident.description}` : incident.title],
    ['Impact', impactText(incident)],
    ['IC', incident.roles.commander ?? 'not assigned yet'],
    // Raw, so Slack's `<#C…>` channel link is not escaped.
    ['Channel', channelText(incident, options), 'raw'],
    ['Status', statusText(incident)],
  ]);
  return `${heading}\n${body}`;
}

/** The runbook's "Customer Communication", worded for where the incident stands. */
export function customerUpdateMessage(incident: Incident, options: TemplateOptions): string {
  const services =
    incident.services.length > 0 ? incident.services.join(', ') : 'the FreeLMS platform';
  const every = options.updateMinutes ?? 30;
  const progress: Record<Incident['status'], string[]> = {
    investigating: [
      `We are currently experiencing issues with ${services}.`,
      'Our team is actively investigating.',
    ],
    identified: [
      `We are currently experiencing issues with ${services}.`,
      'We have identified the cause and are working on a fix.',
    ],
    mitigated: [
      `We experienced issues with ${services}.`,
      'A fix has been applied and we are confirming it works.',
    ],
    monitoring: [
      `We experienced issues with ${services}.`,
      'A fix has been applied and we are monitoring the results.',
    ],
    resolved: [`The issues with ${services} have been resolved.`, 'Thank you for your patience.'],
  };
  const rows: Row[] = progress[incident.status].map((t) => [undefined, t]);
  if (incident.status !== 'resolved')
    rows.push([undefined, `We will provide updates every ${every} minutes.`]);
  if (options.statusPageUrl) rows.push(['Status page', options.statusPageUrl]);
  return lines(options, rows);
}

/**
 * How long the impact lasted, from its start (the detection or declaration unless said
 * otherwise) to the resolution: `1 hour 12 minutes (2026-12-03 09:58 to 11:10 UTC)`.
 */
export function durationText(incident: Incident): string {
  if (!incident.resolvedAt) return 'not resolved yet';
  const start = new Date(incident.startedAt);
  const end = new Date(incident.resolvedAt);
  const spoken =
    formatDuration(intervalToDuration({ start, end }), {
      format: ['years', 'months', 'days', 'hours', 'minutes'],
    }) || 'under a minute';
  const from = formatTime(incident.startedAt, 'UTC');
  const to = formatTime(incident.resolvedAt, 'UTC');
  // The end's date only when it is another day than the start's.
  const until = to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to;
  return `${spoken} (${from} to ${until} UTC)`;
}

/** The runbook's "Resolution" message, for the responders: cause and follow-ups included. */
export function resolutionMessage(incident: Incident, options: TemplateOptions): string {
  const title = '✅ INCIDENT RESOLVED';
  const followUps = incident.followUps.map((f) => f.text);
  const rows: Row[] = [
    ['Duration', durationText(incident)],
    ['Resolution', incident.summary],
    ['Root cause', incident.rootCause ?? 'under investigation'],
    ['Impact', impactText(incident)],
    // The runbook watches for 30 minutes first; the channel hears why it was cut short.
    ['Resolved before the watch ended', incident.earlyResolutionReason],
    ['Follow-up', followUps.length > 0 ? followUps.join('; ') : 'postmortem within 48 hours'],
  ];
  if (incident.statusPage?.url) rows.push(['Status page', incident.statusPage.url]);
  return `${options.format === 'slack' ? `*${title}*` : title}\n${lines(options, rows)}`;
}

/**
 * The resolution as customers read it on the status page: what was affected, for how long and
 * with what impact. The root cause and follow-ups stay internal until the postmortem is out.
 */
export function customerResolutionMessage(incident: Incident, options: TemplateOptions): string {
  const services =
    incident.services.length > 0 ? incident.services.join(', ') : 'the FreeLMS platform';
  return lines(options, [
    [undefined, `The issues with ${services} have been resolved.`],
    ['Duration', durationText(incident)],
    ['Impact', impactText(incident)],
    [undefined, 'Thank you for your patience.'],
  ]);
}

/**
 * An update typed for Slack (the composer's customer template is Slack text) as the plain text
 * a status page shows: Slack's three escapes undone. Other mrkdwn marks are left as typed.
 */
export function plainFromSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
