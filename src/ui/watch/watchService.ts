import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import { appendOnce, JournalBusyError } from '../../incident/appendOnce';
import type { Incident, NewEvent, WatchRegressedEvent } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import {
  endEvent,
  isEndDue,
  isStillBroken,
  newRegressions,
  problemsOf,
  regressionEvent,
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
  ended(incident: Incident): void;
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
 * `freelms.watch.intervalSeconds` it checks the health endpoint and the affected services'
 * pods, journals each new regression once, and journals the end when the time is up. Nothing
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
  /** A round was asked for while one ran (a watch just started): run another right after. */
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
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.watch`)) this.scheduleRound(0);
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
    const now = this.now();
    let unended = false;
    for (const incident of incidents.filter((candidate) => isEndDue(candidate.watch, now)))
      if (!(await this.end(incident))) unended = true;

    const running = incidents.filter(
      (incident) => incident.watch?.state === 'running' && !isEndDue(incident.watch, now),
    );
    const known = new Set(this.watching.map((incident) => incident.watch!.id));
    const started = running.filter((incident) => !known.has(incident.watch!.id));
    this.watching = running;
    for (const id of this.progressByWatch.keys())
      if (!running.some((incident) => incident.watch!.id === id)) this.progressByWatch.delete(id);
    for (const incident of started) {
      const left = Math.round((Date.parse(incident.watch!.endsAt) - now.getTime()) / 1000);
      this.deps.log.info(
        `watching ${incident.id}: ${left} s left of ${incident.watch!.minutes} min`,
      );
    }

    this.scheduleEnd(unended);
    this.setTicking(running.length > 0);
    if (started.length > 0) this.scheduleRound(0);
    else if (running.length > 0 && !this.roundTimer && !this.roundRunning) this.scheduleRound();
    else if (running.length === 0) this.stopRounds();
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

  private scheduleRound(delayMs = this.settings().intervalSeconds * 1000): void {
    clearTimeout(this.roundTimer);
    if (this.disposed) return;
    this.roundTimer = setTimeout(() => {
      this.roundTimer = undefined;
      void this.round();
    }, delayMs);
  }

  private stopRounds(): void {
    clearTimeout(this.roundTimer);
    this.roundTimer = undefined;
  }

  /** One round: the health endpoint once, then each watched incident's services. */
  private async round(): Promise<void> {
    if (this.disposed) return;
    if (this.roundRunning) {
      this.roundAgain = true;
      return;
    }
    this.roundRunning = true;
    try {
      const watched = this.watching.filter((incident) => !isEndDue(incident.watch, this.now()));
      if (watched.length === 0) return;
      const { healthUrl } = this.settings();
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
        // Broken since a regression already journaled: what this round adds is the same one.
        const stillBroken = isStillBroken(
          incident.watch!,
          this.progressByWatch.get(incident.watch!.id),
        );
        this.record(incident, problems, observation.unmeasured);
        if (newRegressions(incident.watch!, problems, stillBroken).length > 0)
          await this.report(incident, problems);
      }
    } catch (error) {
      this.deps.log.error(`a monitoring round failed: ${(error as Error).message}`);
    } finally {
      this.roundRunning = false;
      const again = this.roundAgain;
      this.roundAgain = false;
      if (this.watching.length > 0) this.scheduleRound(again ? 0 : undefined);
    }
  }

  private record(incident: Incident, problems: WatchProblem[], unmeasured: string[]): void {
    const id = incident.watch!.id;
    const progress = this.progressByWatch.get(id) ?? {
      checksOk: 0,
      checksFailing: 0,
      lastProblems: [],
      lastUnmeasured: [],
    };
    if (problems.length > 0) progress.checksFailing += 1;
    else progress.checksOk += 1;
    progress.lastCheckAt = this.now().toISOString();
    if (problems.length === 0) progress.brokenSince = undefined;
    else progress.brokenSince ??= progress.lastCheckAt;
    progress.lastProblems = problems;
    progress.lastUnmeasured = unmeasured;
    this.progressByWatch.set(id, progress);
    if (problems.length > 0 || unmeasured.length > 0) {
      const found = [...problems.map((problem) => problem.text), ...unmeasured].join('; ');
      this.deps.log.info(`watch of ${incident.id}: ${found}`);
    }
    this.changed.fire(incident.id);
  }

  /** Journals the problems not reported yet during this watch, deciding on a fresh read. */
  private async report(incident: Incident, problems: WatchProblem[]): Promise<void> {
    const watchId = incident.watch!.id;
    const written = await this.appendGuarded(incident.id, (fresh) => {
      const watch = fresh.watch;
      if (watch?.id !== watchId || watch.state !== 'running') return [];
      const regressions = newRegressions(watch, problems);
      return regressions.length > 0 ? [regressionEvent(watch, regressions)] : [];
    });
    const event = written?.incident?.watch?.regressions.at(-1);
    if (written?.written.length && event && written.incident) {
      this.deps.log.warn(`regression during the watch of ${incident.id}: ${event.summary}`);
      this.deps.alerts.regressed(written.incident, event);
    }
  }

  /**
   * Journals the end of a watch whose time is up, unless another window already did; false
   * when the journal could not be written now.
   */
  private async end(incident: Incident): Promise<boolean> {
    const written = await this.appendGuarded(incident.id, (fresh) =>
      isEndDue(fresh.watch, this.now()) ? [endEvent(fresh.watch!)] : [],
    );
    if (!written) return false;
    if (written.written.length > 0 && written.incident) {
      this.deps.log.info(
        `the watch of ${incident.id} ended: ${written.incident.watch?.clean ? 'clean' : 'with regressions'}`,
      );
      this.deps.alerts.ended(written.incident);
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
