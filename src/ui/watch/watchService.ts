import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import { appendOnce, JournalBusyError } from '../../incident/appendOnce';
import type {
  Incident,
  NewEvent,
  WatchEndedEvent,
  WatchRegressedEvent,
} from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import {
  endEvent,
  isEndDue,
  measuredAnything,
  newRegressions,
  nextRoundAt,
  problemsOf,
  recoveredSubjects,
  regressionEvent,
  startingProgress,
  type WatchObservation,
  type WatchProblem,
  type WatchProgress,
} from '../../incident/watch';
import type { ClusterSession } from '../cluster/clusterSession';
import { SETTINGS_SECTION } from '../ids';
import { liveModel, observeHealth, observeServices } from './observe';
import { watchSettings, type WatchSettings } from './watchSettings';

/** What the service tells the user; the UI layer decides the wording and the buttons. */
export interface WatchAlerts {
  regressed(incident: Incident, event: WatchRegressedEvent): void;
  /** A clean or regressed end. */
  ended(incident: Incident): void;
  /** An end no round measured (VS Code closed, the VPN down): neither clean nor regressed. */
  unobserved(incident: Incident, event: WatchEndedEvent): void;
}

export interface WatchServiceDeps {
  store: IncidentStore;
  cluster: ClusterSession;
  log: Log;
  alerts: WatchAlerts;
  settings?: () => WatchSettings;
  now?: () => Date;
}

/** How often the countdowns move while a watch runs. */
const TICK_MS = 1_000;
/** How soon an end that could not be journaled is tried again. */
const END_RETRY_MS = 5_000;

/**
 * Runs the monitoring watch of every incident whose journal says one is running: every
 * `freelms.watch.intervalSeconds`, on a fixed cadence from the first watch's start, it checks
 * the health endpoint and the affected services' pods, journals each broken subject once (and
 * again if it broke again after a round saw it recovered), and journals the end when the time
 * is up, clean only when its rounds measured the watch to its end. Nothing
 * about a watch lives only here: its start, length, regressions and end are in the journal, so
 * a restarted window picks it up with the right time left, and a watch whose end passed while
 * no window was open is ended at once. Appends go through the incident's lock after a fresh
 * read, so two windows watching the same incident do not write the same event twice.
 */
export class WatchService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with an incident id when its progress changed, or undefined on each countdown tick. */
  readonly onDidChange = this.changed.event;

  private readonly progressByWatch = new Map<string, WatchProgress>();
  private watching: Incident[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private roundTimer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private roundRunning = false;
  /** A round was asked for at once while one ran (a watch just started): run it right after. */
  private roundAgain = false;
  private disposed = false;
  private readonly settings: () => WatchSettings;
  private readonly now: () => Date;

  constructor(private readonly deps: WatchServiceDeps) {
    this.settings = deps.settings ?? watchSettings;
    this.now = deps.now ?? (() => new Date());
    this.disposables.push(
      deps.store.onDidChange(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(`${SETTINGS_SECTION}.watch`)) return;
        this.scheduleRound();
        void this.round(true);
      }),
    );
  }

  /** What this window saw of a running watch so far, by the id of the event that started it. */
  progress(watchId: string): WatchProgress | undefined {
    return this.progressByWatch.get(watchId);
  }

  /**
   * Reads the journals again: ends the watches whose time is up, starts checking the new ones
   * at once and sets the timers for the rest. Calls are queued, never run side by side.
   */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(
      () => this.reconcile(),
      () => this.reconcile(),
    );
    return this.refreshing;
  }

  private async reconcile(): Promise<void> {
    if (this.disposed) return;
    let incidents: Incident[];
    try {
      incidents = await this.deps.store.list();
    } catch (error) {
      this.deps.log.error(`reading the incident journals failed: ${(error as Error).message}`);
      return;
    }
    // Disposed while reading: a timer set now would never be cleared.
    if (this.disposed) return;
    const now = this.now();
    let unended = false;
    for (const incident of incidents.filter((candidate) => isEndDue(candidate.watch, now)))
      if (!(await this.end(incident))) unended = true;
    if (this.disposed) return;

    const running = incidents.filter(
      (incident) => incident.watch?.state === 'running' && !isEndDue(incident.watch, now),
    );
    const known = new Set(this.watching.map((incident) => incident.watch!.id));
    const started = running.filter((incident) => !known.has(incident.watch!.id));
    this.watching = running;
    // An end that could not be journaled yet (the journal was locked) keeps what the rounds
    // measured: the retry judges the watch on it.
    const unfinished = new Set(
      incidents.filter((incident) => incident.watch?.state === 'running').map((i) => i.watch!.id),
    );
    for (const id of this.progressByWatch.keys())
      if (!unfinished.has(id)) this.progressByWatch.delete(id);
    for (const incident of started) {
      const left = Math.round((Date.parse(incident.watch!.endsAt) - now.getTime()) / 1000);
      this.deps.log.info(
        `watching ${incident.id}: ${left} s left of ${incident.watch!.minutes} min`,
      );
    }

    this.scheduleEnd(unended);
    this.setTicking(running.length > 0);
    // The cadence follows the watches' starts, so setting it again on every change keeps it.
    this.scheduleRound();
    if (started.length > 0) void this.round(true);
  }

  private scheduleEnd(retry: boolean): void {
    clearTimeout(this.endTimer);
    this.endTimer = undefined;
    const ends = this.watching.map((incident) => Date.parse(incident.watch!.endsAt));
    // An end that could not be journaled (the journal was locked) is tried again shortly.
    if (retry) ends.push(this.now().getTime() + END_RETRY_MS);
    const next = Math.min(...ends);
    if (!Number.isFinite(next)) return;
    // Timers fire early by a few milliseconds at most; the refresh re-checks against the clock.
    const delay = Math.max(0, next - this.now().getTime()) + 50;
    this.endTimer = setTimeout(() => void this.refresh(), Math.min(delay, 2 ** 31 - 1));
  }

  private setTicking(on: boolean): void {
    if (on && !this.tickTimer) {
      this.tickTimer = setInterval(() => this.changed.fire(undefined), TICK_MS);
    } else if (!on && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
      this.changed.fire(undefined);
    }
  }

  /**
   * Sets the timer for the next round after `afterMs`: every interval from the start of the
   * earliest running watch, whenever the rounds before finished, so the rounds do not drift
   * by the time each one takes. No watch running, no timer.
   */
  private scheduleRound(afterMs = this.now().getTime()): void {
    clearTimeout(this.roundTimer);
    this.roundTimer = undefined;
    if (this.disposed || this.watching.length === 0) return;
    const anchor = Math.min(
      ...this.watching.map((incident) => Date.parse(incident.watch!.startedAt)),
    );
    const at = nextRoundAt(anchor, this.settings().intervalSeconds * 1000, afterMs);
    const delay = Math.max(0, at - this.now().getTime());
    this.roundTimer = setTimeout(
      () => {
        this.roundTimer = undefined;
        // From the time it was due: a timer firing a little early does not run it twice.
        this.scheduleRound(Math.max(at, this.now().getTime()));
        void this.round(false);
      },
      Math.min(delay, 2 ** 31 - 1),
    );
  }

  /**
   * One round: the health endpoint once, then each watched incident's services. A round due
   * while the one before still runs is skipped; one asked for `now` (a watch just started)
   * runs right after it.
   */
  private async round(now: boolean): Promise<void> {
    if (this.disposed) return;
    if (this.roundRunning) {
      if (now) this.roundAgain = true;
      else this.deps.log.debug('a monitoring round is due while the last one still runs: skipped');
      return;
    }
    this.roundRunning = true;
    try {
      const watched = this.watching.filter((incident) => !isEndDue(incident.watch, this.now()));
      if (watched.length === 0) return;
      const { healthUrl } = this.settings();
      const measuringFrom = this.now().toISOString();
      const [health, cluster] = await Promise.all([
        observeHealth(healthUrl, this.deps.log),
        liveModel(this.deps.cluster),
      ]);
      for (const incident of watched) {
        const observation: WatchObservation = {
          health: health.health,
          unmeasured: [...health.unmeasured, ...cluster.unmeasured],
        };
        if (cluster.model) {
          const namespace = this.deps.cluster.connection?.namespace ?? 'the namespace';
          const seen = observeServices(cluster.model, incident.services, namespace);
          observation.services = seen.services;
          observation.unmeasured.push(...seen.unmeasured);
        }
        const problems = problemsOf(observation);
        const progress = this.record(incident, observation, problems, measuringFrom);
        if (newRegressions(incident.watch!, problems, progress.recoveredAt).length > 0)
          await this.report(incident, problems, progress.recoveredAt);
      }
    } catch (error) {
      this.deps.log.error(`a monitoring round failed: ${(error as Error).message}`);
    } finally {
      this.roundRunning = false;
      const again = this.roundAgain;
      this.roundAgain = false;
      if (again && this.watching.length > 0) void this.round(true);
    }
  }

  /**
   * Counts a round in this window's progress. What it found fine counts as recovered from when
   * the round began measuring (`measuringFrom`), not from when its answers came back: a round
   * waits up to 10 s on the health endpoint and the cluster, and a regression another window
   * journaled meanwhile may be newer than what this one saw. Taken as after the recovery, it
   * would be reported again by this window's next round.
   */
  private record(
    incident: Incident,
    observation: WatchObservation,
    problems: WatchProblem[],
    measuringFrom: string,
  ): WatchProgress {
    const id = incident.watch!.id;
    const progress = this.progressByWatch.get(id) ?? startingProgress();
    const at = this.now().toISOString();
    const measured = measuredAnything(observation);
    // A round that measured nothing is not ok: it saw nothing at all.
    if (problems.length > 0) progress.checksFailing += 1;
    else if (measured) progress.checksOk += 1;
    else progress.checksUnmeasured += 1;
    if (measured) {
      progress.measuredRounds += 1;
      progress.lastMeasuredAt = at;
    }
    for (const subject of recoveredSubjects(observation, problems))
      progress.recoveredAt[subject] = measuringFrom;
    progress.lastCheckAt = at;
    progress.lastProblems = problems;
    progress.lastUnmeasured = observation.unmeasured;
    this.progressByWatch.set(id, progress);
    if (problems.length > 0 || observation.unmeasured.length > 0) {
      const found = [...problems.map((problem) => problem.text), ...observation.unmeasured];
      this.deps.log.info(`watch of ${incident.id}: ${found.join('; ')}`);
    }
    this.changed.fire(incident.id);
    return progress;
  }

  /**
   * Journals the problems that are regressions now, deciding on the journal read under its lock:
   * what another window watching the same incident journaled since this one saw it recovered
   * is not journaled, sent or alerted again.
   */
  private async report(
    incident: Incident,
    problems: WatchProblem[],
    recoveredAt: Readonly<Record<string, string>>,
  ): Promise<void> {
    const watchId = incident.watch!.id;
    const written = await this.appendGuarded(incident.id, (fresh) => {
      const watch = fresh.watch;
      if (watch?.id !== watchId || watch.state !== 'running') return [];
      const regressions = newRegressions(watch, problems, recoveredAt);
      return regressions.length > 0 ? [regressionEvent(watch, regressions)] : [];
    });
    const event = written?.incident?.watch?.regressions.at(-1);
    if (written?.written.length && event && written.incident) {
      this.deps.log.warn(`regression during the watch of ${incident.id}: ${event.summary}`);
      this.deps.alerts.regressed(written.incident, event);
    }
  }

  /**
   * Journals the end of a watch whose time is up, unless another window already did, judged
   * on what this window's rounds measured of it; false when the journal could not be written
   * now.
   */
  private async end(incident: Incident): Promise<boolean> {
    const intervalMs = this.settings().intervalSeconds * 1000;
    const written = await this.appendGuarded(incident.id, (fresh) => {
      const watch = fresh.watch;
      if (!isEndDue(watch, this.now())) return [];
      const coverage = this.progressByWatch.get(watch!.id) ?? { measuredRounds: 0 };
      return [endEvent(watch!, coverage, this.now(), intervalMs)];
    });
    if (!written) return false;
    const event = written.written[0] as WatchEndedEvent | undefined;
    if (event && written.incident) {
      this.deps.log.info(`the watch of ${incident.id} ended ${event.outcome}: ${event.summary}`);
      if (event.outcome === 'unobserved') this.deps.alerts.unobserved(written.incident, event);
      else this.deps.alerts.ended(written.incident);
    }
    return true;
  }

  private async appendGuarded(id: string, decide: (incident: Incident) => NewEvent[]) {
    try {
      return await appendOnce(this.deps.store, id, decide);
    } catch (error) {
      // Busy or unwritable now: the next round or refresh tries again; nothing is lost.
      const level = error instanceof JournalBusyError ? 'debug' : 'error';
      this.deps.log[level](`watch of ${id}: ${(error as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.roundTimer);
    clearTimeout(this.endTimer);
    clearInterval(this.tickTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
