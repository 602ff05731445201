import assert from 'node:assert/strict';

import { defaultChecklist, evaluateChecklist } from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import { describeEvent } from '../../../src/incident/describe';
import type { IncidentEvent, WatchState } from '../../../src/incident/model';
import {
  countdown,
  endEvent,
  isEndDue,
  measuredAnything,
  needsEarlyReason,
  newRegressions,
  nextRoundAt,
  problemsOf,
  recoveredSubjects,
  regressionEvent,
  startingProgress,
  watchCleanAt,
  watchRowText,
  watchShortText,
  type ServiceObservation,
  type WatchCoverage,
  type WatchObservation,
  type WatchProgress,
} from '../../../src/incident/watch';

const HEALTH = 'https://lms.example/actuator/health';
const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000);
const iso = (minute: number, second = 0) => at(minute, second).toISOString();

let n = 0;
const ev = (minute: number, event: Record<string, unknown>): IncidentEvent =>
  ({ id: `e${++n}`, at: iso(minute), ...event }) as IncidentEvent;

const declared = ev(0, {
  type: 'declared',
  incidentId: '2026-12-03-api-gateway-down',
  title: 'API gateway down',
  severity: 'P1',
  services: ['api-gateway'],
});

/** The incident moved to monitoring at minute 20 with a watch of `minutes`, plus `more`. */
function watched(minutes: number | undefined, more: IncidentEvent[] = []) {
  const start: IncidentEvent = {
    id: 'watch-start',
    at: iso(20),
    type: 'status.changed',
    status: 'monitoring',
    watchMinutes: minutes,
  };
  return { incident: deriveIncident([declared, start, ...more]), start };
}

const healthy = (service = 'api-gateway'): ServiceObservation => ({
  service,
  workload: { ready: 3, desired: 3, rollout: 'complete' },
  failingPods: [],
});

const observation = (parts: Partial<WatchObservation>): WatchObservation => ({
  health: { url: HEALTH, status: 'UP', httpStatus: 200 },
  services: [healthy()],
  unmeasured: [],
  ...parts,
});

const MINUTE = 60_000;
/** A window whose rounds measured every minute of the watch started at minute 20 until `last`. */
const measuredUntil = (last: number): WatchCoverage => ({
  measuredRounds: last - 20 + 1,
  lastMeasuredAt: iso(last),
});
/** The end a window journals at `now` (a minute-long interval), having measured `coverage`. */
const ending = (watch: WatchState, coverage: WatchCoverage, now: Date) =>
  endEvent(watch, coverage, now, MINUTE);
/** The end of a watch of `minutes` from minute 20, measured to its last minute by this window. */
const endedObserved = (watch: WatchState) =>
  ending(watch, measuredUntil(20 + watch.minutes - 1), new Date(Date.parse(watch.endsAt)));

const progressOf = (parts: Partial<WatchProgress>): WatchProgress => ({
  ...startingProgress(),
  ...parts,
});

describe('the monitoring watch', () => {
  describe('deciding what regressed', () => {
    it('finds nothing while the health endpoint is UP and every pod of the service is ready', () => {
      assert.deepEqual(problemsOf(observation({})), []);
    });

    it('calls the health endpoint answering DOWN with a 503 a regression, naming the URL', () => {
      const problems = problemsOf(
        observation({ health: { url: HEALTH, status: 'DOWN', httpStatus: 503 } }),
      );
      assert.deepEqual(problems, [{ key: 'health', text: `health DOWN (HTTP 503) at ${HEALTH}` }]);
    });

    it('calls a crash-looping pod of an affected service a regression, even with the others ready', () => {
      const [problem, ...rest] = problemsOf(
        observation({
          services: [
            {
              ...healthy(),
              failingPods: [
                { name: 'api-gateway-7d9f-x2x1', status: 'CrashLoopBackOff', restarts: 4 },
              ],
            },
          ],
        }),
      );
      assert.deepEqual(rest, []);
      assert.equal(problem!.key, 'pods:api-gateway');
      assert.equal(
        problem!.text,
        'api-gateway: 1 pod failing (api-gateway-7d9f-x2x1 CrashLoopBackOff, 4 restarts)',
      );
    });

    it('names three failing pods and counts the rest', () => {
      const failingPods = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
        name: `api-gateway-${name}`,
        status: 'Error',
        restarts: 0,
      }));
      const [problem] = problemsOf(observation({ services: [{ ...healthy(), failingPods }] }));
      assert.equal(
        problem!.text,
        'api-gateway: 5 pods failing (api-gateway-a Error, api-gateway-b Error, api-gateway-c Error, 2 more)',
      );
    });

    it('calls a Deployment with no ready pod a regression, rollout or not', () => {
      const problems = problemsOf(
        observation({
          services: [
            {
              service: 'api-gateway',
              workload: { ready: 0, desired: 3, rollout: 'progressing' },
              failingPods: [],
            },
          ],
        }),
      );
      assert.deepEqual(problems, [{ key: 'ready:api-gateway', text: 'api-gateway: 0 of 3 ready' }]);
    });

    it('calls a Deployment no longer fully ready a regression once no rollout explains it', () => {
      const service = (rollout: 'complete' | 'progressing' | 'stalled'): ServiceObservation => ({
        service: 'course-service',
        workload: { ready: 2, desired: 3, rollout },
        failingPods: [],
      });
      assert.deepEqual(problemsOf(observation({ services: [service('progressing')] })), []);
      for (const rollout of ['complete', 'stalled'] as const) {
        assert.deepEqual(
          problemsOf(observation({ services: [service(rollout)] })).map((p) => p.text),
          ['course-service: 2 of 3 ready'],
          rollout,
        );
      }
    });

    it('does not call what could not be measured a regression', () => {
      const problems = problemsOf({
        unmeasured: ['health not checked: No answer from https://lms.example: ETIMEDOUT'],
      });
      assert.deepEqual(problems, []);
    });
  });

  describe('reporting each problem once', () => {
    const down = { key: 'health', text: 'health DOWN (HTTP 503) at x' };
    const pods = { key: 'pods:api-gateway', text: 'api-gateway: 1 pod failing (p Error)' };
    const coursePods = {
      key: 'pods:course-service',
      text: 'course-service: 2 pods failing (c CrashLoopBackOff)',
    };

    it('reports a problem once per watch, however many rounds still see it', () => {
      const { incident, start } = watched(30);
      const first = newRegressions(incident.watch!, [down]);
      assert.deepEqual(first, [down]);
      const event = regressionEvent(incident.watch!, first);
      assert.deepEqual(event, {
        type: 'watch.regressed',
        watchId: start.id,
        summary: 'health DOWN (HTTP 503) at x',
        problems: ['health'],
      });

      const after = watched(30, [ev(22, event)]).incident;
      assert.deepEqual(newRegressions(after.watch!, [down]), [], 'the same problem again');
      assert.deepEqual(newRegressions(after.watch!, [down], {}), [], 'never seen recovered');
    });

    it('reports course-service crash-looping at once while the health endpoint is still DOWN', () => {
      const { incident } = watched(30);
      // 10:22 health DOWN was journaled; at 10:23 it is still DOWN and course-service crashes.
      const after = watched(30, [ev(22, regressionEvent(incident.watch!, [down]))]).incident;
      assert.deepEqual(newRegressions(after.watch!, [down, coursePods]), [coursePods]);
    });

    it('takes the pods crashing and the ready count dropping of one service as one problem', () => {
      const { incident } = watched(30);
      const notReady = { key: 'ready:api-gateway', text: 'api-gateway: 1 of 3 ready' };
      const after = watched(30, [ev(22, regressionEvent(incident.watch!, [pods]))]).incident;
      assert.deepEqual(newRegressions(after.watch!, [pods, notReady]), []);
    });

    it('reports a problem again when it fails after a round saw it recovered', () => {
      const { incident } = watched(30);
      const after = watched(30, [ev(22, regressionEvent(incident.watch!, [pods]))]).incident;
      // 10:25 a round saw every api-gateway pod ready; 10:31 they crash again.
      const recovered = recoveredSubjects(observation({}), []);
      assert.deepEqual(recovered.sort(), ['health', 'service:api-gateway']);
      const recoveredAt = Object.fromEntries(recovered.map((subject) => [subject, iso(25)]));
      assert.deepEqual(newRegressions(after.watch!, [pods], recoveredAt), [pods]);
      // Recovered before the report (another window's round): still the same problem.
      assert.deepEqual(
        newRegressions(after.watch!, [pods], { 'service:api-gateway': iso(21) }),
        [],
      );

      // Once the second failure is journaled, it is not reported a third time until it recovers.
      const twice = watched(30, [
        ev(22, regressionEvent(incident.watch!, [pods])),
        ev(31, regressionEvent(incident.watch!, [pods])),
      ]).incident;
      assert.deepEqual(newRegressions(twice.watch!, [pods], recoveredAt), []);
    });

    it('does not report again what another window journaled while the service stayed broken', () => {
      const { incident } = watched(30);
      const notReady = { key: 'ready:api-gateway', text: 'api-gateway: 0 of 3 ready' };
      const threeFailing = {
        key: 'pods:api-gateway',
        text: 'api-gateway: 3 pods failing (p Error)',
      };
      // Window A journaled "health DOWN; api-gateway: 0 of 3 ready" at 10:23:00. This window saw
      // both fine at 10:22:00 and finds the pods failing at 10:23:04: the same regression.
      const reported = ev(23, regressionEvent(incident.watch!, [down, notReady]));
      const after = watched(30, [reported]).incident;
      const sawFine = { health: iso(22), 'service:api-gateway': iso(22) };
      assert.deepEqual(newRegressions(after.watch!, [threeFailing], sawFine), []);
      // Never seen fine by this window (opened while it was broken): the same regression too.
      assert.deepEqual(newRegressions(after.watch!, [threeFailing], {}), []);
      // Seen fine by this window in the very second A journaled it: not after it, not reported.
      const sameMoment = { 'service:api-gateway': iso(23) };
      assert.deepEqual(newRegressions(after.watch!, [threeFailing], sameMoment), []);
      // Health fine again for this window while the service stays broken: only health is new.
      const healthBack = { health: iso(23, 2), 'service:api-gateway': iso(22) };
      assert.deepEqual(newRegressions(after.watch!, [threeFailing, down], healthBack), [down]);
    });

    it('reports a service another window reported once this window saw it recover and break again', () => {
      const { incident } = watched(30);
      // Window A journaled api-gateway at 10:23; this window saw it fine at 10:25, failing at 10:26.
      const reported = ev(23, regressionEvent(incident.watch!, [pods]));
      const after = watched(30, [reported]).incident;
      const recoveredAt = { 'service:api-gateway': iso(25) };
      assert.deepEqual(newRegressions(after.watch!, [pods], recoveredAt), [pods]);
      // Window A journaled the second failure first (10:26): this window does not report it again.
      const again = watched(30, [reported, ev(26, regressionEvent(incident.watch!, [pods]))]);
      assert.deepEqual(newRegressions(again.incident.watch!, [pods], recoveredAt), []);
    });

    it('does not take a crash-looping pod, briefly Running between two crashes, as the service’s recovery', () => {
      // The new image rolls out: one pod restarted and Running, not ready; nothing failing.
      const betweenCrashes = observation({
        services: [
          {
            ...healthy(),
            workload: { ready: 2, desired: 3, rollout: 'progressing' },
            failingPods: [],
          },
        ],
      });
      assert.deepEqual(problemsOf(betweenCrashes), [], 'a rollout explains the short count');
      assert.deepEqual(recoveredSubjects(betweenCrashes, []), ['health']);
    });

    it('does not take a round that could not measure a subject as its recovery', () => {
      const unreachable = observation({ health: undefined, services: undefined });
      assert.deepEqual(recoveredSubjects(unreachable, []), []);
      const stillCrashing = observation({
        services: [{ ...healthy(), failingPods: [{ name: 'p', status: 'Error', restarts: 1 }] }],
      });
      assert.deepEqual(recoveredSubjects(stillCrashing, problemsOf(stillCrashing)), ['health']);
    });

    it('starts a new watch with nothing reported, so a regression after the fix is reported again', () => {
      const { incident: first } = watched(30);
      const regressed = regressionEvent(first.watch!, [down]);
      const again = deriveIncident([
        ...first.events,
        ev(22, regressed),
        ev(23, { type: 'status.changed', status: 'identified', note: 'reopened' }),
        ev(40, { type: 'status.changed', status: 'monitoring', watchMinutes: 30 }),
      ]);
      assert.deepEqual(newRegressions(again.watch!, [down]), [down]);
    });
  });

  describe('starting and ending', () => {
    it('takes its length from the status change, so changing the setting later does not move its end', () => {
      const { incident } = watched(5);
      assert.equal(incident.watch!.endsAt, iso(25));
      assert.equal(watched(undefined).incident.watch!.endsAt, iso(50), 'the runbook default, 30');
    });

    it('is due to end exactly when its time is up, and not once ended', () => {
      const { incident } = watched(5);
      assert.equal(isEndDue(incident.watch, at(24, 59)), false);
      assert.equal(isEndDue(incident.watch, at(25)), true);
      const ended = watched(5, [ev(25, endedObserved(incident.watch!))]).incident;
      assert.equal(ended.watch!.state, 'ended');
      assert.equal(isEndDue(ended.watch, at(26)), false);
    });

    it('says a one-minute watch lasted 1 minute, not 1 minutes', () => {
      const { incident } = watched(1);
      const summary = (endedObserved(incident.watch!) as { summary: string }).summary;
      assert.equal(summary, '1 minute without a regression (1 check measured)');
    });

    it('ends clean when its checks measured it to its end without a regression, and regressed with one', () => {
      const { incident } = watched(5);
      assert.deepEqual(endedObserved(incident.watch!), {
        type: 'watch.ended',
        watchId: incident.watch!.id,
        clean: true,
        outcome: 'clean',
        measuredRounds: 5,
        lastMeasuredAt: iso(24),
        summary: '5 minutes without a regression (5 checks measured)',
      });
      const regressed = regressionEvent(incident.watch!, [{ key: 'health', text: 'health DOWN' }]);
      const dirty = watched(5, [ev(22, regressed)]).incident;
      assert.deepEqual(ending(dirty.watch!, { measuredRounds: 0 }, at(40)), {
        type: 'watch.ended',
        watchId: incident.watch!.id,
        clean: false,
        outcome: 'regressed',
        measuredRounds: 0,
        summary: '5 minutes, 1 regression',
      });
    });

    it('does not call a watch no window observed clean, and says it ended while VS Code was closed', () => {
      // Monitoring started at 10:20 for 5 minutes; VS Code was closed until 10:30.
      const { incident } = watched(5);
      const event = ending(incident.watch!, { measuredRounds: 0 }, at(30));
      assert.equal(event.type === 'watch.ended' && event.clean, false);
      assert.equal(event.type === 'watch.ended' && event.outcome, 'unobserved');
      assert.equal(
        event.type === 'watch.ended' && event.summary,
        '5 minutes, unobserved: it ended while no VS Code window was running its checks',
      );
      const ended = watched(5, [ev(30, event)]).incident.watch!;
      assert.equal(ended.outcome, 'unobserved');
      assert.equal(ended.clean, false);
    });

    it('ends unobserved when no round measured anything, the VPN down the whole watch', () => {
      const { incident } = watched(30);
      const unreachable: WatchObservation = {
        unmeasured: ['health not checked: ETIMEDOUT', 'pods not checked: the cluster is retrying'],
      };
      assert.equal(measuredAnything(unreachable), false);
      assert.equal(measuredAnything(observation({ services: undefined })), true, 'health alone');
      const event = ending(incident.watch!, { measuredRounds: 0 }, at(50, 1));
      assert.equal(event.type === 'watch.ended' && event.outcome, 'unobserved');
      assert.equal(
        event.type === 'watch.ended' && event.summary,
        '30 minutes, unobserved: no check could reach the health endpoint or the cluster',
      );
    });

    it('ends unobserved when its checks stopped measuring before its last part', () => {
      const { incident } = watched(30);
      // Measured from 10:20 to 10:40, then the VPN dropped; the watch ended at 10:50.
      const event = ending(incident.watch!, measuredUntil(40), at(50));
      assert.equal(event.type === 'watch.ended' && event.outcome, 'unobserved');
      assert.equal(
        event.type === 'watch.ended' && event.summary,
        '30 minutes, unobserved: the last check that measured anything was 10 minutes before its end',
      );
      // One round missed at the end is still measured to its end.
      const lastButOne = ending(incident.watch!, measuredUntil(48), at(50));
      assert.equal(lastButOne.type === 'watch.ended' && lastButOne.outcome, 'clean');
    });

    it('derives a watch.ended journaled before there were outcomes from its clean flag', () => {
      const { incident } = watched(5);
      const old = (clean: boolean) =>
        ev(25, { type: 'watch.ended', watchId: incident.watch!.id, clean, summary: '5 minutes' });
      assert.equal(watched(5, [old(true)]).incident.watch!.outcome, 'clean');
      assert.equal(watched(5, [old(false)]).incident.watch!.outcome, 'regressed');
    });

    it('says on the timeline that a watch ended unobserved', () => {
      const { incident } = watched(5);
      const event = ev(30, ending(incident.watch!, { measuredRounds: 0 }, at(30)));
      assert.match(describeEvent(event) ?? '', /^Monitoring watch ended unobserved: 5 minutes/);
    });
  });

  describe('the rounds', () => {
    it('keeps a fixed cadence from the watch start, however long a round took', () => {
      const start = T0;
      // A round due at 10:01 that took 4 s: the next is still due at 10:02, not 10:02:04.
      assert.equal(nextRoundAt(start, MINUTE, T0 + MINUTE + 4_000), T0 + 2 * MINUTE);
      assert.equal(nextRoundAt(start, MINUTE, T0 + MINUTE), T0 + 2 * MINUTE, 'due now: the next');
      // A round that took longer than the interval: the one it overlapped is skipped.
      assert.equal(nextRoundAt(start, MINUTE, T0 + 2 * MINUTE + 70_000), T0 + 4 * MINUTE);
      // A window that resumes the watch at 10:07:30 keeps its minutes.
      assert.equal(nextRoundAt(start, MINUTE, T0 + 7.5 * MINUTE), T0 + 8 * MINUTE);
    });
  });

  describe('resolving early', () => {
    it('asks for a reason only while the watch runs and its time is not up', () => {
      const { incident } = watched(30);
      assert.equal(needsEarlyReason(incident, at(35)), true);
      assert.equal(needsEarlyReason(incident, at(50)), false, 'time is up, end not journaled yet');
      const ended = watched(30, [ev(50, endedObserved(incident.watch!))]).incident;
      assert.equal(needsEarlyReason(ended, at(51)), false);
      const stopped = watched(30, [ev(30, { type: 'status.changed', status: 'identified' })]);
      assert.equal(needsEarlyReason(stopped.incident, at(31)), false);
      assert.equal(needsEarlyReason(deriveIncident([declared]), at(31)), false, 'never watched');
    });

    it('journals the reason and stops the watch when resolved early', () => {
      const { incident } = watched(30, [
        ev(35, { type: 'resolved', earlyReason: 'the release train leaves at noon' }),
      ]);
      assert.equal(incident.earlyResolutionReason, 'the release train leaves at noon');
      assert.equal(incident.watch!.state, 'stopped');
      assert.equal(incident.watch!.endedAt, iso(35));
    });
  });

  describe('the checklist step "Monitor for 30 minutes"', () => {
    const monitorItem = (events: readonly IncidentEvent[], now: Date) => {
      const states = evaluateChecklist(defaultChecklist(), deriveIncident(events), now);
      const resolution = states.find((phase) => phase.kind === 'resolution')!;
      return resolution.items.find((item) => /monitor/i.test(item.title))!;
    };

    it('is ticked when a watch of the configured length ended clean, at its end', () => {
      const { incident } = watched(10);
      const events = [...incident.events, ev(30, endedObserved(incident.watch!))];
      const item = monitorItem(events, at(31));
      assert.equal(item.ticked, true);
      assert.equal(item.tickedAt, iso(30));
      assert.equal(monitorItem(incident.events, at(29)).ticked, false, 'still running');
    });

    it('stays open when the watch ended with a regression', () => {
      const { incident } = watched(10);
      const regressed = regressionEvent(incident.watch!, [{ key: 'health', text: 'health DOWN' }]);
      const withRegression = watched(10, [ev(25, regressed)]).incident;
      const events = [...withRegression.events, ev(30, endedObserved(withRegression.watch!))];
      assert.equal(monitorItem(events, at(31)).ticked, false);
    });

    it('stays open when the incident was resolved before the watch ran its length', () => {
      const events = watched(30, [ev(35, { type: 'resolved', earlyReason: 'release' })]).incident
        .events;
      assert.equal(monitorItem([...events], at(60)).ticked, false);
    });

    it('does not tick for a watch no window observed, whose end no window journaled', () => {
      const { incident } = watched(30);
      assert.equal(watchCleanAt(incident.watch), undefined);
      assert.equal(monitorItem(incident.events, at(80)).ticked, false);
      const resolvedLate = watched(30, [ev(56, { type: 'resolved' })]).incident;
      assert.equal(watchCleanAt(resolvedLate.watch), undefined);
    });

    it('does not tick for a watch that ended unobserved, VS Code closed through its end', () => {
      const { incident } = watched(10);
      const unobserved = ending(incident.watch!, { measuredRounds: 0 }, at(45));
      const events = [...incident.events, ev(45, unobserved)];
      assert.equal(monitorItem(events, at(46)).ticked, false);
    });
  });

  describe('the countdown', () => {
    const zone = 'Europe/Berlin';
    const running = (more: IncidentEvent[] = []): WatchState => watched(30, more).incident.watch!;

    it('counts down in minutes and seconds, with hours past an hour', () => {
      assert.equal(countdown(23 * 60_000 + 14_000), '23:14');
      assert.equal(countdown(65 * 60_000), '1:05:00');
      assert.equal(countdown(400), '0:01', 'a part of a second left still shows');
      assert.equal(countdown(-5_000), '0:00');
    });

    it('says how many checks were ok while it runs', () => {
      const progress = progressOf({
        checksOk: 2,
        measuredRounds: 2,
        lastCheckAt: iso(26),
        lastMeasuredAt: iso(26),
      });
      assert.equal(
        watchRowText(running(), at(26, 46), zone, progress),
        'Monitoring: 23:14 left, 2 checks ok',
      );
      assert.equal(watchRowText(running(), at(26, 46), zone), 'Monitoring: 23:14 left, checking…');
      assert.equal(
        watchRowText(running(), at(26, 46), zone, {
          ...progress,
          checksOk: 1,
          lastUnmeasured: ['pods not checked: the cluster is retrying'],
        }),
        'Monitoring: 23:14 left, 1 check ok, last check incomplete',
      );
    });

    it('does not count a round that measured nothing as ok', () => {
      const progress = progressOf({ checksUnmeasured: 1, lastCheckAt: iso(21) });
      assert.equal(
        watchRowText(running(), at(26, 46), zone, progress),
        'Monitoring: 23:14 left, 0 checks ok, last check measured nothing',
      );
    });

    it('says when it regressed, in the team time zone', () => {
      const watch = running();
      const regressed = ev(25, regressionEvent(watch, [{ key: 'health', text: 'health DOWN' }]));
      assert.equal(
        watchRowText(running([regressed]), at(26, 46), zone),
        'Monitoring: 23:14 left, regressed at 11:25',
      );
    });

    it('says how it ended, or when it was stopped', () => {
      const watch = running();
      assert.equal(
        watchRowText(running([ev(50, endedObserved(watch))]), at(51), zone),
        'Monitoring ended clean at 11:50',
      );
      const unobserved = ending(watch, { measuredRounds: 0 }, at(80));
      assert.equal(
        watchRowText(running([ev(80, unobserved)]), at(81), zone),
        'Monitoring ended unobserved at 11:50',
      );
      const regressed = ev(25, regressionEvent(watch, [{ key: 'health', text: 'health DOWN' }]));
      const dirty = running([regressed]);
      assert.equal(
        watchRowText(running([regressed, ev(50, endedObserved(dirty))]), at(51), zone),
        'Monitoring ended at 11:50 with 1 regression',
      );
      assert.equal(
        watchRowText(
          running([regressed, ev(26, { type: 'status.changed', status: 'identified' })]),
          at(27),
          zone,
        ),
        'Monitoring stopped at 11:26, regressed at 11:25',
      );
    });

    it('gives the status bar whole minutes left', () => {
      assert.equal(watchShortText(running(), at(26, 46)), 'monitoring 23m left');
      assert.equal(watchShortText(running(), at(49, 30)), 'monitoring <1m left');
      assert.equal(watchShortText(running(), at(50)), 'monitoring, time is up');
    });
  });
});
