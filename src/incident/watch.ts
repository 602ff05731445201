import { formatTime } from './describe';
import type { Incident, NewEvent, WatchState } from './model';

/*
 * The runbook's monitoring watch, decided from what one round of checks saw and what the journal
 * already says. Nothing here reads a clock, the network or the cluster: the watch service in the
 * UI gathers an observation and asks these functions what it means.
 */

/** A Deployment's rollout as the watch needs it (the Cluster view's `RolloutPhase`). */
export type WatchRollout = 'complete' | 'progressing' | 'stalled' | 'paused';

/** What one affected service looked like in a round of the watch. */
export interface ServiceObservation {
  service: string;
  /** Its Deployment (or StatefulSet); undefined when the namespace has none by that name. */
  workload?: { ready: number; desired: number; rollout?: WatchRollout };
  /** Pods of the service that are failing (crash-looping, erroring, OOM-killed…). */
  failingPods: { name: string; status: string; restarts: number }[];
}

/** One round of the watch's checks. */
export interface WatchObservation {
  /** The health endpoint's answer, or undefined when it could not be had (see `unmeasured`). */
  health?: { url: string; status: string; httpStatus?: number };
  /** The affected services, or undefined when the cluster could not be read. */
  services?: ServiceObservation[];
  /** What could not be checked this round, in words for the user. */
  unmeasured: string[];
}

/** Something the watch found broken: `key` names the problem, `text` says it. */
export interface WatchProblem {
  key: string;
  text: string;
}

const MAX_PODS_NAMED = 3;

/**
 * What is broken in an observation. A regression is what was seen broken, never what could not
 * be seen: a health endpoint that gave no answer (VPN down, timeout) or a cluster that could not
 * be read is reported as unmeasured, not as the service failing again.
 *
 * - the health endpoint answered anything but UP (a 502/503 without a body counts as DOWN);
 * - a pod of an affected service is failing (CrashLoopBackOff, Error, OOMKilled…);
 * - a Deployment has no ready pod, or fewer ready pods than desired while no rollout is under
 *   way. During a rollout fewer ready pods are expected; a new pod that crashes is caught by
 *   the pod rule.
 */
export function problemsOf(observation: WatchObservation): WatchProblem[] {
  const problems: WatchProblem[] = [];
  const { health } = observation;
  if (health && health.status !== 'UP') {
    const http = health.httpStatus ? ` (HTTP ${health.httpStatus})` : '';
    problems.push({ key: 'health', text: `health ${health.status}${http} at ${health.url}` });
  }
  for (const service of observation.services ?? []) {
    const { workload, failingPods } = service;
    if (failingPods.length > 0) {
      const named = failingPods
        .slice(0, MAX_PODS_NAMED)
        .map((pod) => `${pod.name} ${pod.status}${restartsText(pod.restarts)}`);
      const more = failingPods.length - named.length;
      problems.push({
        key: `pods:${service.service}`,
        text:
          `${service.service}: ${failingPods.length} pod${failingPods.length === 1 ? '' : 's'} ` +
          `failing (${named.join(', ')}${more > 0 ? `, ${more} more` : ''})`,
      });
    }
    if (workload && workload.desired > 0 && workload.ready < workload.desired) {
      const rolling = workload.rollout === 'progressing';
      if (workload.ready === 0 || !rolling) {
        problems.push({
          key: `ready:${service.service}`,
          text: `${service.service}: ${workload.ready} of ${workload.desired} ready`,
        });
      }
    }
  }
  return problems;
}

function restartsText(restarts: number): string {
  if (restarts === 0) return '';
  return `, ${restarts} restart${restarts === 1 ? '' : 's'}`;
}

/** Keys of the problems the journal already reported during this watch. */
export function reportedProblems(watch: WatchState): Set<string> {
  return new Set(watch.regressions.flatMap((event) => event.problems ?? []));
}

/**
 * The problems that are regressions to report now: those not reported yet during this watch.
 * Each distinct problem is reported once per watch, so a service that stays broken (or flaps)
 * does not write the same regression every round; the first report already offered to reopen
 * mitigation, which ends the watch. While the service is `stillBroken` (see `isStillBroken`),
 * what the rounds find is the regression already reported, seen further (health DOWN first,
 * its pods crash-looping a round later), and nothing is new. A new watch starts with nothing
 * reported.
 */
export function newRegressions(
  watch: WatchState,
  problems: readonly WatchProblem[],
  stillBroken = false,
): WatchProblem[] {
  if (stillBroken) return [];
  const reported = reportedProblems(watch);
  return problems.filter((problem) => !reported.has(problem.key));
}

/**
 * Whether the rounds of this window have found something broken since `brokenSince` and the
 * journal already holds that regression: a regression that could not be journaled yet (the
 * journal was locked) is not "still broken", so the next round reports it.
 */
export function isStillBroken(watch: WatchState, progress: WatchProgress | undefined): boolean {
  const reportedAt = watch.regressions.at(-1)?.at;
  const since = progress?.brokenSince;
  return since !== undefined && reportedAt !== undefined && reportedAt >= since;
}

/** The `watch.regressed` event for problems found in a running watch. */
export function regressionEvent(watch: WatchState, problems: readonly WatchProblem[]): NewEvent {
  return {
    type: 'watch.regressed',
    watchId: watch.id,
    summary: problems.map((problem) => problem.text).join('; '),
    problems: problems.map((problem) => problem.key),
  };
}

/** True when the watch is still running in the journal but its time is up. */
export function isEndDue(watch: WatchState | undefined, now: Date): boolean {
  return watch?.state === 'running' && Date.parse(watch.endsAt) <= now.getTime();
}

/** The `watch.ended` event closing a watch that ran its length. */
export function endEvent(watch: WatchState): NewEvent {
  const count = watch.regressions.length;
  return {
    type: 'watch.ended',
    watchId: watch.id,
    clean: count === 0,
    summary:
      count === 0
        ? `${watch.minutes} minutes without a regression`
        : `${watch.minutes} minutes, ${count} regression${count === 1 ? '' : 's'}`,
  };
}

/**
 * When the runbook's "monitor" step counts as done: the watch ran its full length without a
 * regression. A watch still running, stopped early or with a regression leaves it open.
 */
export function watchCleanAt(watch: WatchState | undefined, now: Date): string | undefined {
  if (!watch || watch.regressions.length > 0) return undefined;
  if (watch.state === 'ended') return watch.clean ? watch.endsAt : undefined;
  const endedBy = watch.state === 'running' ? now.toISOString() : (watch.endedAt ?? '');
  return Date.parse(endedBy) >= Date.parse(watch.endsAt) ? watch.endsAt : undefined;
}

/** Resolving now would cut a running watch short, so the runbook asks why. */
export function needsEarlyReason(incident: Incident, now: Date): boolean {
  const { watch } = incident;
  return watch?.state === 'running' && now.getTime() < Date.parse(watch.endsAt);
}

/** How the watch went in this window so far; not journaled (a restart starts counting again). */
export interface WatchProgress {
  /** Rounds that found nothing broken. */
  checksOk: number;
  /** Rounds that found something broken, reported or already reported. */
  checksFailing: number;
  lastCheckAt?: string;
  /** What the last round found broken. */
  lastProblems: WatchProblem[];
  /** When the rounds started finding something broken, without a clean round since. */
  brokenSince?: string;
  /** What the last round could not check. */
  lastUnmeasured: string[];
}

/** `23:14`, or `1:05:00` past an hour: the time left as a countdown clock shows it. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/**
 * The Incidents view's watch row: `Monitoring: 23:14 left, 2 checks ok`, `Monitoring: 23:14
 * left, regressed at 14:05`, `Monitoring ended clean at 14:35`.
 */
export function watchRowText(
  watch: WatchState,
  now: Date,
  timeZone: string,
  progress?: WatchProgress,
): string {
  const time = (iso: string) => formatTime(iso, timeZone, 'HH:mm');
  const regressed = watch.regressions.at(-1);
  if (watch.state === 'ended') {
    const count = watch.regressions.length;
    return watch.clean
      ? `Monitoring ended clean at ${time(watch.endsAt)}`
      : `Monitoring ended at ${time(watch.endsAt)} with ${count} regression${count === 1 ? '' : 's'}`;
  }
  if (watch.state === 'stopped') {
    const when = watch.endedAt ? ` at ${time(watch.endedAt)}` : '';
    return `Monitoring stopped${when}${regressed ? `, regressed at ${time(regressed.at)}` : ''}`;
  }
  const left = Date.parse(watch.endsAt) - now.getTime();
  const head = left > 0 ? `Monitoring: ${countdown(left)} left` : 'Monitoring: time is up';
  if (regressed) return `${head}, regressed at ${time(regressed.at)}`;
  if (!progress || progress.checksOk + progress.checksFailing === 0) return `${head}, checking…`;
  const unmeasured = progress.lastUnmeasured.length > 0 ? ', last check incomplete' : '';
  return `${head}, ${progress.checksOk} check${progress.checksOk === 1 ? '' : 's'} ok${unmeasured}`;
}

/** The status bar's words for a running watch: `monitoring 23m left`. */
export function watchShortText(watch: WatchState, now: Date): string {
  const left = Date.parse(watch.endsAt) - now.getTime();
  if (left <= 0) return 'monitoring, time is up';
  const minutes = Math.floor(left / 60_000);
  return minutes === 0 ? 'monitoring <1m left' : `monitoring ${minutes}m left`;
}
