import type { Incident } from './model';

/*
 * Leaving monitoring from a button or a prompt that was shown some time ago: Reopen Mitigation
 * on a regression alert, Stop Monitoring Watch after its reason was typed. Decided on the
 * journal as it is now (under the incident's lock, see `appendOnce`), never on what the alert
 * saw: a 14:05 alert clicked at 14:40 must not stop the watch that started at 14:20, nor
 * reopen an incident resolved at 14:30.
 */

/** Why a leave-monitoring action raised on an older state of the incident does nothing now. */
export type StaleReason =
  /** Resolved since; reopening would post "Status: identified" to Slack and PagerDuty. */
  | 'resolved'
  /** Another monitoring watch started since: it is not the one the alert was about. */
  | 'newerWatch'
  /** The status already left monitoring (someone reopened mitigation or stopped the watch). */
  | 'leftMonitoring'
  /** The watch ran its length and ended (Stop Monitoring Watch only: nothing left to stop). */
  | 'ended';

export type LeaveMonitoringDecision = { act: true } | { act: false; why: StaleReason };

/**
 * Whether moving `fresh` back to identified still answers the watch `watchId` the button or
 * prompt was raised for. `running`: only while that watch runs (Stop Monitoring Watch);
 * otherwise a watch that ended with regressions may still be reopened, as the incident stays
 * in monitoring until someone acts.
 */
export function leaveMonitoringDecision(
  fresh: Incident,
  watchId: string | undefined,
  options: { running: boolean },
): LeaveMonitoringDecision {
  if (fresh.status === 'resolved') return { act: false, why: 'resolved' };
  const watch = fresh.watch;
  if (watchId !== undefined && watch?.id !== watchId) return { act: false, why: 'newerWatch' };
  if (fresh.status !== 'monitoring' || !watch || watch.state === 'stopped')
    return { act: false, why: 'leftMonitoring' };
  if (options.running && watch.state !== 'running') return { act: false, why: 'ended' };
  return { act: true };
}

/** The user's words for why nothing was done, naming what happened and when. */
export function staleText(
  fresh: Incident,
  why: StaleReason,
  time: (iso: string) => string,
): string {
  const last = <T extends Incident['events'][number]['type']>(type: T) =>
    fresh.events.findLast((event) => event.type === type) as
      Extract<Incident['events'][number], { type: T }> | undefined;
  const by = (event?: { by?: string; at: string }) =>
    event ? `${event.by ? ` by ${event.by}` : ''} at ${time(event.at)}` : '';
  switch (why) {
    case 'resolved':
      return `${fresh.id} was resolved${by(last('resolved'))}`;
    case 'newerWatch':
      return fresh.watch?.state === 'running'
        ? `a new monitoring watch of ${fresh.id} started at ${time(fresh.watch.startedAt)} and ` +
            'was left running'
        : `${fresh.id} has been monitored again since (${fresh.status} now)`;
    case 'leftMonitoring':
      return `${fresh.id} is already ${fresh.status}${by(last('status.changed'))}`;
    case 'ended':
      return `the monitoring watch of ${fresh.id} already ended at ${time(fresh.watch?.endsAt ?? '')}`;
  }
}
