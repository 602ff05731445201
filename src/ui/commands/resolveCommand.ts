import { userInfo } from 'node:os';

import * as vscode from 'vscode';

import { planDeliveries } from '../../incident/deliveries';
import type { Incident, ResolvedEvent } from '../../incident/model';
import {
  askedOn,
  recordResolution,
  type AskedOn,
  type ResolveOutcome,
  type TypedResolution,
} from '../../incident/resolve';
import type { IncidentStore } from '../../incident/store';
import { countdown } from '../../incident/watch';
import { Commands } from '../ids';
import { clockTime } from '../settings';
import { watchSettings } from '../watch/watchSettings';
import { resolveIncident, type IncidentArgument } from './pickIncident';

/*
 * `FreeLMS: Resolve Incident`: the resolution, root cause and impact, and why resolve early
 * while the monitoring watch runs. Returns the incident id, or undefined when nothing was
 * resolved.
 */

const me = () => userInfo().username;

/** A scripted Resolve during a running monitoring watch that did not say why it cannot wait. */
export class EarlyResolutionError extends Error {
  override readonly name = 'EarlyResolutionError';

  constructor(
    readonly incidentId: string,
    readonly endsAt: string,
    message: string,
  ) {
    super(message);
  }
}

/** `{ incidentId, summary, rootCause, impact?, earlyReason? }`: resolves without prompts. */
export type ResolveArgument = IncidentArgument &
  Partial<{
    summary: string;
    rootCause: string;
    /** Who was affected, how long, what data; the prompt starts from what the incident says. */
    impact: string;
    /** Required while the monitoring watch runs: why the incident cannot wait for its end. */
    earlyReason: string;
  }>;

/**
 * What a responder typed into Resolve that was not written (the journal was busy, or the
 * incident changed under the prompts), by incident: the next Resolve of it starts from it.
 */
const drafts = new Map<string, TypedResolution>();

/**
 * Resolves the incident with its summary, root cause and impact. Before the monitoring watch
 * has ended the runbook's 30 minutes are cut short, so a reason is asked for and journaled; a
 * scripted call without one is refused (`EarlyResolutionError`) rather than resolving quietly.
 * The decision is taken again on the journal as it is once everything is typed (see
 * `recordResolution`); what was typed is never lost: it is kept for a retry or as a note.
 */
export async function resolveIncidentCommand(store: IncidentStore, argument?: ResolveArgument) {
  const incident = await resolveIncident(store, argument);
  if (!incident) return undefined;
  if (incident.status === 'resolved') {
    void vscode.window.showInformationMessage(`${incident.id} is already resolved.`);
    return undefined;
  }
  const asked = askedOn(incident, new Date());
  const { early } = asked;
  const endsAt = incident.watch?.endsAt ?? '';
  const left = early ? `${countdown(Date.parse(endsAt) - Date.now())} left` : '';
  const scripted = argument?.summary !== undefined;
  if (scripted && early && !argument?.earlyReason?.trim()) {
    throw new EarlyResolutionError(
      incident.id,
      endsAt,
      `Not resolving ${incident.id}: its monitoring watch still has ${left} (until ` +
        `${endsAt}). Pass earlyReason to record why it cannot wait, or wait for the watch to end.`,
    );
  }
  if (!scripted) {
    const answer = await vscode.window.showWarningMessage(
      `Resolve ${incident.severity} "${incident.title}"?`,
      { modal: true, detail: resolveDetail(incident, left) },
      'Resolve',
    );
    if (answer !== 'Resolve') return undefined;
  }
  const draft = drafts.get(incident.id);
  const summary =
    argument?.summary ??
    (await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Resolution',
      value: draft?.summary,
      prompt: 'What fixed it, in one line (optional)',
    }));
  if (summary === undefined) return undefined;
  const rootCause =
    argument?.rootCause ??
    (await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Root cause',
      value: draft?.rootCause,
      prompt: 'Brief, if known (optional)',
    }));
  if (rootCause === undefined) return undefined;
  const impact =
    argument?.impact ??
    (scripted
      ? ''
      : await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: 'Impact',
          value: draft?.impact ?? incident.impact ?? incident.usersImpacted ?? '',
          // The impact is also the resolution customers read on the status page.
          prompt: planDeliveries(incident).some((d) => d.target === 'statuspage')
            ? 'Who was affected and for how long (optional). Customers read this on the ' +
              'status page; keep internal detail for the postmortem'
            : 'Who was affected, for how long, and whether data was at risk (optional)',
        }));
  if (impact === undefined) return undefined;
  // A reason given while no watch runs would say something that did not happen; it is dropped.
  const earlyReason = early
    ? (argument?.earlyReason ??
      (await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Why resolve before the monitoring watch ends (${left})?`,
        value: draft?.earlyReason,
        prompt:
          `The watch runs ${incident.watch?.minutes} minutes after the fix; ` +
          'the reason goes on the timeline',
        validateInput: (value) =>
          value.trim() ? undefined : 'Say why it cannot wait, or press Escape.',
      })))
    : undefined;
  if (early && !earlyReason?.trim()) return undefined;
  const typed: TypedResolution = { summary, rootCause, impact, earlyReason, by: me() };
  drafts.set(incident.id, typed);
  return recordTyped(store, incident, scripted ? 'asItIs' : asked, typed, scripted);
}

/**
 * Writes the typed resolution if the incident, read again under its lock, still wants it, and
 * tells the responder what became of it otherwise. A busy journal is thrown to a scripted
 * caller; a person is offered Retry with the same answers.
 */
async function recordTyped(
  store: IncidentStore,
  incident: Incident,
  asked: AskedOn | 'asItIs',
  typed: TypedResolution,
  scripted: boolean,
): Promise<string | undefined> {
  const outcome = await recordResolution(store, incident.id, asked, typed);
  switch (outcome.kind) {
    case 'resolved':
      drafts.delete(incident.id);
      if (outcome.droppedEarlyReason) {
        void vscode.window.showInformationMessage(
          `${incident.id} is resolved. Its monitoring watch ended while you were answering, ` +
            'so the reason for resolving early was not recorded.',
        );
      }
      return incident.id;
    case 'alreadyResolved':
      offerAsNote(store, outcome.incident, typed, resolvedMeanwhile(outcome.incident));
      return undefined;
    case 'changed':
      // A script is told, not offered a note it cannot click.
      if (scripted) throw new Error(changedMeanwhile(outcome));
      offerAsNote(store, outcome.incident, typed, changedMeanwhile(outcome));
      return undefined;
    case 'gone':
      throw new Error(`${incident.id} has no journal any more; nothing was resolved.`);
    case 'busy': {
      if (scripted) throw outcome.error;
      const choice = await vscode.window.showErrorMessage(
        `${incident.id} was not resolved: its journal stayed locked by another change for a ` +
          'few seconds. What you typed is kept: Retry, or run Resolve Incident again to find it ' +
          'filled in.',
        'Retry',
        'Open Log',
      );
      if (choice === 'Open Log') void vscode.commands.executeCommand(Commands.showLog);
      return choice === 'Retry' ? recordTyped(store, incident, asked, typed, scripted) : undefined;
    }
  }
}

function resolvedMeanwhile(incident: Incident): string {
  const first = incident.events.find((event): event is ResolvedEvent => event.type === 'resolved');
  const who = first?.by ? ` by ${first.by}` : '';
  const when = first ? ` at ${clockTime(first.at)}` : '';
  return `${incident.id} was resolved${who}${when} while you were resolving it: yours was not recorded or sent.`;
}

function changedMeanwhile(outcome: Extract<ResolveOutcome, { kind: 'changed' }>): string {
  const { incident } = outcome;
  const at = (event?: { at: string }) => (event ? ` at ${clockTime(event.at)}` : '');
  const by = (event?: { by?: string }) => (event?.by ? ` by ${event.by}` : '');
  const what =
    outcome.reason === 'regressed'
      ? `the monitoring watch found a regression${at(outcome.event)} (${outcome.event.summary})`
      : outcome.reason === 'reopened'
        ? `it went back to ${outcome.event.status}${by(outcome.event)}${at(outcome.event)}`
        : `a monitoring watch started${by(outcome.event)}${at(outcome.event)}, and resolving ` +
          'before it ends needs a reason';
  return (
    `${incident.id} was not resolved: ${what} while you were resolving it. Nothing was recorded ` +
    'or sent; what you typed is kept for the next Resolve Incident.'
  );
}

/**
 * The resolution was not written because the incident changed first: says what happened, and
 * offers to keep what was typed here as a timeline note.
 */
function offerAsNote(
  store: IncidentStore,
  incident: Incident,
  resolution: TypedResolution,
  message: string,
): void {
  const typed = [
    resolution.summary.trim(),
    resolution.rootCause.trim() && `root cause: ${resolution.rootCause.trim()}`,
    resolution.impact.trim() && `impact: ${resolution.impact.trim()}`,
    resolution.earlyReason?.trim() &&
      `why before the watch ended: ${resolution.earlyReason.trim()}`,
  ].filter(Boolean);
  const actions = typed.length ? ['Add Mine as a Note'] : [];
  void vscode.window
    .showWarningMessage(message, ...actions)
    .then((choice) =>
      choice
        ? store
            .append(incident.id, {
              type: 'note',
              text: `Resolution also given: ${typed.join('; ')}`,
              by: resolution.by,
            })
            .then(() => drafts.delete(incident.id))
        : undefined,
    )
    .then(undefined, (error: unknown) => {
      void vscode.window.showErrorMessage(
        `The note was not added to ${incident.id}: ${(error as Error).message}. What you typed ` +
          'is kept for the next Resolve Incident.',
      );
    });
}

function resolveDetail(incident: Incident, left: string): string {
  const { status, watch } = incident;
  if (left) {
    return `The monitoring watch still has ${left}. Resolving now ends it early: you will be asked why.`;
  }
  if (status === 'monitoring' && watch?.outcome === 'regressed')
    return (
      `The last monitoring watch ended with ${watch.regressions.length} regression(s) (last: ` +
      `${watch.regressions.at(-1)?.summary}). Resolving ends the incident for everyone.`
    );
  if (status === 'monitoring' && watch?.outcome === 'unobserved')
    return 'The last monitoring watch ended unobserved: nothing says the fix held. Resolving ends the incident for everyone.';
  return status === 'monitoring'
    ? 'The fix is being monitored. Resolving ends the incident for everyone.'
    : `The incident is ${status}, not monitoring: the runbook asks for ${watchSettings().minutes} minutes of monitoring first.`;
}
