/**
 * Verify Fix's judgement: a snapshot of the affected services compared with the one taken at
 * declaration, as lines for the timeline, and whether the services are healthy now. Plain data,
 * no `vscode` and no network, so every wording is unit-tested.
 */
import type { Incident, ServiceSnapshot, SnapshotTakenEvent } from './model';

/** What a snapshot measured: the same fields at declaration and at Verify Fix. */
export type SnapshotMeasurement = Pick<
  SnapshotTakenEvent,
  'health' | 'services' | 'errorWindowMinutes' | 'problems'
>;

/** The outcome of comparing a snapshot with the baseline. */
export interface Verification {
  /** One line per measure, `api-gateway: 0 of 3 ready → 3 of 3`; what goes on the timeline. */
  comparison: string[];
  /** Health UP, every affected Deployment fully ready, no unhealthy pods. */
  ok: boolean;
  /** Why it is not ok, in a few words each, for the notification. */
  failing: string[];
  /** Affected services that are not healthy yet, to offer their logs. */
  failingServices: string[];
}

/** The line said in place of a comparison when the incident has no declaration snapshot. */
export const NO_BASELINE = 'no baseline recorded at declaration: compared with nothing';

const number = new Intl.NumberFormat('en-US');

/** The snapshot taken when the incident was declared, if one was. */
export function baselineOf(incident: Incident): SnapshotTakenEvent | undefined {
  return incident.events.find(
    (e): e is SnapshotTakenEvent => e.type === 'snapshot.taken' && e.purpose === 'declaration',
  );
}

/** `DOWN (HTTP 503)`, `UP`, `no answer`, `not measured`. */
export function healthText(health: SnapshotMeasurement['health']): string {
  if (!health) return 'not measured';
  if (health.httpStatus === undefined && health.error) return 'no answer';
  const http =
    health.httpStatus !== undefined && health.httpStatus !== 200
      ? ` (HTTP ${health.httpStatus})`
      : '';
  return `${health.status}${http}`;
}

/** `0 of 3 ready`, or `not measured` when the Deployment was not found or not read. */
function readyText(service: ServiceSnapshot | undefined): string {
  if (!service || service.desired === undefined) return 'not measured';
  return `${service.ready ?? 0} of ${service.desired} ready`;
}

/** `none`, or `3 (2 CrashLoopBackOff, 1 Pending)`. */
function unhealthyText(service: ServiceSnapshot | undefined): string {
  const pods = service?.unhealthyPods ?? [];
  if (pods.length === 0) return 'none';
  const byStatus = new Map<string, number>();
  for (const pod of pods) byStatus.set(pod.status, (byStatus.get(pod.status) ?? 0) + 1);
  const statuses = [...byStatus].map(([status, count]) => `${count} ${status}`).join(', ');
  return `${pods.length} (${statuses})`;
}

function errorsText(service: ServiceSnapshot | undefined): string {
  return service?.errorLines === undefined ? 'not measured' : number.format(service.errorLines);
}

/** Why one service is not healthy now; empty when it is. */
function serviceFailures(service: ServiceSnapshot): string[] {
  if (service.desired === undefined) return [`${service.service}: not measured`];
  const failures: string[] = [];
  if ((service.ready ?? 0) < service.desired)
    failures.push(`${service.service}: ${readyText(service)}`);
  if (service.unhealthyPods.length > 0)
    failures.push(`${service.service}: ${service.unhealthyPods.length} unhealthy pods`);
  return failures;
}

/** `1,204 → 3` with the window said once when both used the same, on each side otherwise. */
function errorsLine(
  name: string,
  before: ServiceSnapshot | undefined,
  beforeMinutes: number,
  now: ServiceSnapshot,
  nowMinutes: number,
): string {
  if (beforeMinutes === nowMinutes)
    return `${name}: ERROR lines in ${nowMinutes} min: ${errorsText(before)} → ${errorsText(now)}`;
  return (
    `${name}: ERROR lines: ${errorsText(before)} in ${beforeMinutes} min → ` +
    `${errorsText(now)} in ${nowMinutes} min`
  );
}

/** The lines of one service: readiness, unhealthy pods when either side had any, errors. */
function serviceLines(
  now: ServiceSnapshot,
  baseline: SnapshotMeasurement | undefined,
  nowMinutes: number,
): string[] {
  const name = now.service;
  if (!baseline) {
    const errors =
      now.errorLines === undefined
        ? []
        : [`${name}: ERROR lines in ${nowMinutes} min: ${errorsText(now)}`];
    return [
      `${name}: ${readyText(now)}`,
      `${name}: unhealthy pods: ${unhealthyText(now)}`,
      ...errors,
    ];
  }
  const before = baseline.services.find((s) => s.service === name);
  if (!before) {
    return [
      `${name}: not in the baseline; now ${readyText(now)}, unhealthy pods: ${unhealthyText(now)}`,
      `${name}: ERROR lines in ${nowMinutes} min: ${errorsText(now)}`,
    ];
  }
  const ready =
    before.desired !== undefined && now.desired !== undefined
      ? `${name}: ${readyText(before)} → ${now.ready ?? 0} of ${now.desired}`
      : `${name}: ${readyText(before)} → ${readyText(now)}`;
  const pods =
    before.unhealthyPods.length || now.unhealthyPods.length
      ? [`${name}: unhealthy pods: ${unhealthyText(before)} → ${unhealthyText(now)}`]
      : [];
  return [ready, ...pods, errorsLine(name, before, baseline.errorWindowMinutes, now, nowMinutes)];
}

/**
 * Compares a snapshot with the declaration's baseline. `ok` looks at the present only: the
 * health endpoint UP, every affected Deployment with all its replicas ready and no unhealthy pod.
 * ERROR lines are reported, not judged: a recovered service still logs the odd error, and a
 * count falling from 1,204 to 3 is what the reader wants to see. Without a baseline the lines
 * say so and give the present alone.
 */
export function compareSnapshots(
  baseline: SnapshotMeasurement | undefined,
  now: SnapshotMeasurement,
): Verification {
  const comparison: string[] = [];
  if (!baseline) comparison.push(NO_BASELINE);
  comparison.push(
    baseline
      ? `health: ${healthText(baseline.health)} → ${healthText(now.health)}`
      : `health: ${healthText(now.health)}`,
  );
  for (const service of now.services)
    comparison.push(...serviceLines(service, baseline, now.errorWindowMinutes));
  if (now.services.length === 0)
    comparison.push('no affected services recorded on the incident: only the health endpoint');
  for (const problem of now.problems ?? []) comparison.push(`not measured: ${problem}`);

  const failing: string[] = [];
  if (now.health?.status !== 'UP') failing.push(`health ${healthText(now.health)}`);
  const failingServices: string[] = [];
  for (const service of now.services) {
    const reasons = serviceFailures(service);
    if (reasons.length) failingServices.push(service.service);
    failing.push(...reasons);
  }
  return { comparison, ok: failing.length === 0, failing, failingServices };
}
