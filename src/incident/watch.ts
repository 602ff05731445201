import { formatTime } from './describe';
import type { Incident, NewEvent, WatchOutcome, WatchState } from './model';

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

/**
 * What a problem is about: `health` for the health endpoint, else the service its key names
 * (`pods:api-gateway` and `ready:api-gateway` are both `service:api-gateway`). A service whose
 * pods crash and whose ready count drops is one broken service, reported once.
 */
export function subjectOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : serviceSubject(key.slice(colon + 1));
}

function serviceSubject(service: string): string {
  return `service:${service}`;
}

/** Whether the round measured anything at all: the health endpoint or an affected service. */
export function measuredAnything(observation: WatchObservation): boolean {
  return observation.health !== undefined || (observation.services?.length ?? 0) > 0;
}

/**
 * The subjects this round measured and found well: seen recovered. What could not be measured
 * is not recovered: an endpoint that gave no answer says nothing either way. A service is well
 * only when fully ready with no pod failing: a rollout explains a short count, so that is no
 * regression, but nor is it a recovery. A crash-looping pod is briefly Running, not ready,
 * between two crashes; counting that round as a recovery would report one break twice.
 */
export function recoveredSubjects(
  observation: WatchObservation,
  problems: readonly WatchProblem[],
): string[] {
  const broken = new Set(problems.map((problem) => subjectOf(problem.key)));
  const well = (service: ServiceObservation) =>
    service.workload !== undefined &&
    service.workload.ready >= service.workload.desired &&
    service.failingPods.length === 0;
  const measured = [
    ...(observation.health ? ['health'] : []),
    ...(observation.services ?? []).filter(well).map((service) => serviceSubject(service.service)),
  ];
  return measured.filter((subject) => !broken.has(subject));
}

/**
 * The problems that are regressions to report now, decided on the journal as it is (read under
 * its lock): a problem is dropped when the journal already has its subject (see `subjectOf`) in
 * a `watch.regressed` of this watch journaled after this window last saw that subject recovered
 * (`recoveredAt`, by subject), or at any time in this watch when this window never saw it fine.
 * Whichever window journaled it, the regression was reported once: a second window watching
 * the same incident sending it again would page twice. A subject that stays broken is reported
 * once, not every round; a new one (course-service crash-looping while the health endpoint is
 * still DOWN) is reported at once; one this window saw recovered after its last report and
 * finds broken again failed again. A new watch starts with nothing reported.
 *
 * The journal's times were written by whichever window appended, and `recoveredAt` by this
 * one: the windows are assumed to share a clock (the same machine, or machines kept by NTP).
 */
export function newRegressions(
  watch: WatchState,
  problems: readonly WatchProblem[],
  recoveredAt: Readonly<Record<string, string>> = {},
): WatchProblem[] {
  const reportedSince = (subject: string, since: number) =>
    watch.regressions.some(
      (event) =>
        Date.parse(event.at) >= since &&
        (event.problems ?? []).some((key) => subjectOf(key) === subject),
    );
  return problems.filter((problem) => {
    const subject = subjectOf(problem.key);
    const recovered = recoveredAt[subject];
    // A report in the very millisecond of a recovery is taken as after it: not sent twice.
    return !reportedSince(subject, recovered === undefined ? -Infinity : Date.parse(recovered));
  });
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

/** What this window's rounds measured of a watch: what its end is judged on. */
export interface WatchCoverage {
  /** Rounds that measured the health endpoint or an affected service. */
  measuredRounds: number;
  /** When the last of them measured. */
  lastMeasuredAt?: string;
}

/** However short the interval, a watch's last minute must have been measured. */
const MIN_END_COVER_MS = 60_000;

/**
 * Whether the rounds measured the watch to its end: a round measured something within its
 * last two intervals (one round may fail to measure), and at least within its last minute.
 */
export function measuredToEnd(
  watch: WatchState,
  coverage: WatchCoverage,
  intervalMs: number,
): boolean {
  if (coverage.measuredRounds === 0 || !coverage.lastMeasuredAt) return false;
  const cover = Math.max(2 * intervalMs, MIN_END_COVER_MS);
  return Date.parse(coverage.lastMeasuredAt) >= Date.parse(watch.endsAt) - cover;
}

/**
 * The `watch.ended` event closing a watch that ran its length, judged on what the rounds of
 * this window measured (`coverage`). A regression makes it `regressed`; no regression is
 * `clean` only when the rounds measured it to its end, else `unobserved`: a watch nobody
 * measured (VS Code closed, the VPN down the whole time) proves nothing.
 */
export function endEvent(
  watch: WatchState,
  coverage: WatchCoverage,
  now: Date,
  intervalMs: number,
): NewEvent {
  const count = watch.regressions.length;
  const outcome: WatchOutcome =
    count > 0 ? 'regressed' : measuredToEnd(watch, coverage, intervalMs) ? 'clean' : 'unobserved';
  const measured = coverage.measuredRounds;
  const checks = `${measured} check${measured === 1 ? '' : 's'} measured`;
  const length = minutesText(watch.minutes);
  const summary = {
    clean: `${length} without a regression (${checks})`,
    regressed: `${length}, ${count} regression${count === 1 ? '' : 's'}`,
    unobserved: `${length}, unobserved: ${unobservedReason(watch, coverage, now, intervalMs)}`,
  }[outcome];
  return {
    type: 'watch.ended',
    watchId: watch.id,
    clean: outcome === 'clean',
    outcome,
    measuredRounds: measured,
    ...(coverage.lastMeasuredAt ? { lastMeasuredAt: coverage.lastMeasuredAt } : {}),
    summary,
  };
}

/** `1 minute`, `30 minutes`. */
export function minutesText(minutes: number): string {
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function unobservedReason(
  watch: WatchState,
  coverage: WatchCoverage,
  now: Date,
  intervalMs: number,
): string {
  const endsAt = Date.parse(watch.endsAt);
  if (coverage.lastMeasuredAt) {
    const minutes = Math.round((endsAt - Date.parse(coverage.lastMeasuredAt)) / 60_000);
    return `the last check that measured anything was ${minutesText(minutes)} before its end`;
  }
  // Ended well after its time: no window was open to run the checks or to end it.
  if (now.getTime() - endsAt > Math.max(2 * intervalMs, MIN_END_COVER_MS))
    return 'it ended while no VS Code window was running its checks';
  return 'no check could reach the health endpoint or the cluster';
}

/**
 * When the runbook's "monitor" step counts as done: the watch ran its full length and ended
 * clean, measured to its end. A watch still running, stopped early, regressed or unobserved
 * (no window measured its end) leaves it open.
 */
export function watchCleanAt(watch: WatchState | undefined): string | undefined {
  return watch?.state === 'ended' && watch.outcome === 'clean' ? watch.endsAt : undefined;
}

/** Resolving now would cut a running watch short, so the runbook asks why. */
export function needsEarlyReason(incident: Incident, now: Date): boolean {
  const { watch } = incident;
  return watch?.state === 'running' && now.getTime() < Date.parse(watch.endsAt);
}

/** How the watch went in this window so far; not journaled (a restart starts counting again). */
export interface WatchProgress extends WatchCoverage {
  /** Rounds that measured something and found nothing broken. */
  checksOk: number;
  /** Rounds that found something broken, reported or already reported. */
  checksFailing: number;
  /** Rounds that measured nothing: neither the health endpoint nor any affected service. */
  checksUnmeasured: number;
  lastCheckAt?: string;
  /** What the last round found broken. */
  lastProblems: WatchProblem[];
  /**
   * When the last round that measured each subject (see `subjectOf`) and found it fine began:
   * this window's own recoveries, which the journal's regressions are compared with.
   */
  recoveredAt: Record<string, string>;
  /** What the last round could not check. */
  lastUnmeasured: string[];
}

/** The progress of a watch before its first round. */
export function startingProgress(): WatchProgress {
  return {
    checksOk: 0,
    checksFailing: 0,
    checksUnmeasured: 0,
    measuredRounds: 0,
    lastProblems: [],
    recoveredAt: {},
    lastUnmeasured: [],
  };
}

/**
 * When the next round is due after `afterMs`: rounds keep a fixed cadence from `anchorMs` (the
 * watch's start), every `intervalMs`, however long each round took.
 */
export function nextRoundAt(anchorMs: number, intervalMs: number, afterMs: number): number {
  if (afterMs < anchorMs) return anchorMs;
  return anchorMs + (Math.floor((afterMs - anchorMs) / intervalMs) + 1) * intervalMs;
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
    if (watch.outcome === 'clean') return `Monitoring ended clean at ${time(watch.endsAt)}`;
    if (watch.outcome === 'unobserved')
      return `Monitoring ended unobserved at ${time(watch.endsAt)}`;
    return `Monitoring ended at ${time(watch.endsAt)} with ${count} regression${count === 1 ? '' : 's'}`;
  }
  if (watch.state === 'stopped') {
    const when = watch.endedAt ? ` at ${time(watch.endedAt)}` : '';
    return `Monitoring stopped${when}${regressed ? `, regressed at ${time(regressed.at)}` : ''}`;
  }
  const left = Date.parse(watch.endsAt) - now.getTime();
  const head = left > 0 ? `Monitoring: ${countdown(left)} left` : 'Monitoring: time is up';
  if (regressed) return `${head}, regressed at ${time(regressed.at)}`;
  if (!progress || progress.checksOk + progress.checksFailing + progress.checksUnmeasured === 0)
    return `${head}, checking…`;
  const last =
    progress.lastMeasuredAt !== progress.lastCheckAt
      ? ', last check measured nothing'
      : progress.lastUnmeasured.length > 0
        ? ', last check incomplete'
        : '';
  return `${head}, ${progress.checksOk} check${progress.checksOk === 1 ? '' : 's'} ok${last}`;
}

/** The status bar's words for a running watch: `monitoring 23m left`. */
export function watchShortText(watch: WatchState, now: Date): string {
  const left = Date.parse(watch.endsAt) - now.getTime();
  if (left <= 0) return 'monitoring, time is up';
  const minutes = Math.floor(left / 60_000);
  return minutes === 0 ? 'monitoring <1m left' : `monitoring ${minutes}m left`;
}
