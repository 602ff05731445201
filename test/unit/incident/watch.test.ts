import assert from 'node:assert/strict';

import { defaultChecklist, evaluateChecklist } from '../../../src/incident/checklist';
import { deriveIncident } from '../../../src/incident/derive';
import type { IncidentEvent, WatchState } from '../../../src/incident/model';
import {
  countdown,
  endEvent,
  isEndDue,
  isStillBroken,
  needsEarlyReason,
  newRegressions,
  problemsOf,
  regressionEvent,
  watchCleanAt,
  watchRowText,
  watchShortText,
  type ServiceObservation,
  type WatchObservation,
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
    it('reports a problem once per watch, however many rounds still see it, and a new one when it appears', () => {
      const down = { key: 'health', text: 'health DOWN (HTTP 503) at x' };
      const pods = { key: 'pods:api-gateway', text: 'api-gateway: 1 pod failing (p Error)' };
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
      assert.deepEqual(newRegressions(after.watch!, [down, pods]), [pods], 'a new problem');
    });

    it('takes what the rounds find while the service stays broken as the regression already reported', () => {
      const down = { key: 'health', text: 'health DOWN (HTTP 503) at x' };
      const pods = { key: 'pods:api-gateway', text: 'api-gateway: 3 pods failing' };
      const { incident } = watched(30);
      const progress = (brokenSince?: string) => ({
        checksOk: 3,
        checksFailing: 1,
        lastProblems: [down],
        lastUnmeasured: [],
        ...(brokenSince ? { brokenSince } : {}),
      });
      // 10:22 health went DOWN and was journaled; 10:23 the pods are crash-looping as well.
      const after = watched(30, [
        { ...ev(22, regressionEvent(incident.watch!, [down])), at: iso(22, 1) },
      ]).incident;
      const stillBroken = isStillBroken(after.watch!, progress(iso(22)));
      assert.equal(stillBroken, true);
      assert.deepEqual(newRegressions(after.watch!, [down, pods], stillBroken), []);

      // The journal was locked at 10:22, so nothing was written: 10:23 reports the regression.
      assert.equal(isStillBroken(incident.watch!, progress(iso(22))), false);
      // A clean round in between: the pods crashing at 10:40 are a regression of their own.
      assert.equal(isStillBroken(after.watch!, progress(iso(40))), false);
      assert.equal(isStillBroken(after.watch!, progress()), false);
      assert.deepEqual(newRegressions(after.watch!, [down, pods], false), [pods]);
    });

    it('starts a new watch with nothing reported, so a regression after the fix is reported again', () => {
      const down = { key: 'health', text: 'health DOWN' };
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
      const ended = watched(5, [ev(25, endEvent(incident.watch!))]).incident;
      assert.equal(ended.watch!.state, 'ended');
      assert.equal(isEndDue(ended.watch, at(26)), false);
    });

    it('ends clean without a regression and dirty with one', () => {
      const { incident } = watched(5);
      assert.deepEqual(endEvent(incident.watch!), {
        type: 'watch.ended',
        watchId: incident.watch!.id,
        clean: true,
        summary: '5 minutes without a regression',
      });
      const regressed = regressionEvent(incident.watch!, [{ key: 'health', text: 'health DOWN' }]);
      const dirty = watched(5, [ev(22, regressed)]).incident;
      assert.deepEqual(endEvent(dirty.watch!), {
        type: 'watch.ended',
        watchId: incident.watch!.id,
        clean: false,
        summary: '5 minutes, 1 regression',
      });
    });
  });

  describe('resolving early', () => {
    it('asks for a reason only while the watch runs and its time is not up', () => {
      const { incident } = watched(30);
      assert.equal(needsEarlyReason(incident, at(35)), true);
      assert.equal(needsEarlyReason(incident, at(50)), false, 'time is up, end not journaled yet');
      const ended = watched(30, [ev(50, endEvent(incident.watch!))]).incident;
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
      const events = [...incident.events, ev(30, endEvent(incident.watch!))];
      const item = monitorItem(events, at(31));
      assert.equal(item.ticked, true);
      assert.equal(item.tickedAt, iso(30));
      assert.equal(monitorItem(incident.events, at(29)).ticked, false, 'still running');
    });

    it('stays open when the watch ended with a regression', () => {
      const { incident } = watched(10);
      const regressed = regressionEvent(incident.watch!, [{ key: 'health', text: 'health DOWN' }]);
      const withRegression = watched(10, [ev(25, regressed)]).incident;
      const events = [...withRegression.events, ev(30, endEvent(withRegression.watch!))];
      assert.equal(monitorItem(events, at(31)).ticked, false);
    });

    it('stays open when the incident was resolved before the watch ran its length', () => {
      const events = watched(30, [ev(35, { type: 'resolved', earlyReason: 'release' })]).incident
        .events;
      assert.equal(monitorItem([...events], at(60)).ticked, false);
    });

    it('counts a watch that ran its length without a regression though no window journaled its end', () => {
      const { incident } = watched(30);
      assert.equal(watchCleanAt(incident.watch, at(50)), iso(50));
      const resolvedLate = watched(30, [ev(56, { type: 'resolved' })]).incident;
      assert.equal(watchCleanAt(resolvedLate.watch, at(57)), iso(50));
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
      const progress = { checksOk: 2, checksFailing: 0, lastProblems: [], lastUnmeasured: [] };
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
        watchRowText(running([ev(50, endEvent(watch))]), at(51), zone),
        'Monitoring ended clean at 11:50',
      );
      const regressed = ev(25, regressionEvent(watch, [{ key: 'health', text: 'health DOWN' }]));
      const dirty = running([regressed]);
      assert.equal(
        watchRowText(running([regressed, ev(50, endEvent(dirty))]), at(51), zone),
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
