/**
 * Verify Fix's measurement of the affected services: the health endpoint, each Deployment's
 * ready replicas, its unhealthy pods and its ERROR lines over 5 minutes, as `measureSnapshot`
 * takes it, against the commands the runbook has a responder type for the same answer:
 * `curl` on the health endpoint, then per service `kubectl get deployment`, `kubectl get pods -l`
 * and `kubectl logs -l … --since=5m | grep -c ERROR`, the services side by side as a responder
 * with one terminal per service would run them.
 */
import { silentLog } from '../src/common/log';
import { measureSnapshot } from '../src/platform/serviceSnapshot';
import type { SandboxEndpoints } from '../sandbox/endpoints';
import { alternate, type BenchContext, type BenchResult } from './stats';
import { connectTo, kubectlCommand, runShell } from './support';

/** Affected services of a typical FreeLMS outage: the gateway and the services behind it. */
const SERVICES = ['api-gateway', 'course-service', 'user-service'];

export async function verifySnapshot(
  ctx: BenchContext,
  endpoints: SandboxEndpoints,
): Promise<BenchResult> {
  const kubectl = kubectlCommand(endpoints, `${ctx.dir}/kubectl-cache-verify`);
  const perService = (service: string) =>
    `{ ${kubectl} get deployment ${service} -o json > /dev/null; ` +
    `${kubectl} get pods -l app=${service} -o json > /dev/null; ` +
    `${kubectl} logs -l app=${service} --all-containers --prefix --since=5m --max-log-requests=20 ` +
    `| grep -c ERROR > /dev/null || true; }`;
  const peerCommand =
    `curl -s -o /dev/null '${endpoints.health}' & ` +
    SERVICES.map((service) => `${perService(service)} &`).join(' ') +
    ' wait';

  let measured = { services: 0, problems: 0, errorLines: 0 };
  const pair = await alternate({
    warmup: 1,
    rounds: ctx.quick ? 2 : 9,
    ours: async () => {
      const started = performance.now();
      // A fresh connection each time, as the first Verify Fix of a window makes one.
      const snapshot = await measureSnapshot({
        services: SERVICES,
        healthUrl: endpoints.health,
        connection: async () => connectTo(endpoints),
        log: silentLog,
      });
      const ms = performance.now() - started;
      measured = {
        services: snapshot.services.filter((s) => s.ready !== undefined).length,
        problems: snapshot.problems?.length ?? 0,
        errorLines: snapshot.services.reduce((sum, s) => sum + (s.errorLines ?? 0), 0),
      };
      return ms;
    },
    peer: async () => (await runShell(peerCommand)).ms,
  });
  if (measured.services !== SERVICES.length || measured.problems > 0)
    throw new Error(
      `the snapshot measured ${measured.services} of ${SERVICES.length} services ` +
        `with ${measured.problems} problems`,
    );
  ctx.log(`verify: ${measured.errorLines} ERROR lines across ${SERVICES.join(', ')}`);
  return {
    name: `verify fix snapshot, ${SERVICES.length} services`,
    unit: 'ms',
    ours: pair.ours,
    peer: pair.peer,
    peerName: 'curl, and kubectl get, get pods, logs into grep per service',
    ratio: pair.ratio,
    goal: 'ours ≤ 0.5× the kubectl commands',
    met: pair.ratio <= 0.5,
    extra: { 'ERROR lines counted': measured.errorLines },
  };
}
