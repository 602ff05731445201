/**
 * Puts the sandbox's api-gateway back in its seeded state, every pod on the release that runs
 * out of memory and the health endpoint DOWN, whatever an earlier test did to it. The
 * integration and UI suites share one sandbox, and both roll the api-gateway back. Plain
 * `fetch` against the sandbox's API server (it needs no credentials), no `vscode`.
 */
import type { SandboxEndpoints } from '../../sandbox/endpoints';

export const CRASHING_IMAGE = 'registry.freelms.io/api-gateway:2.4.1';
export const GOOD_IMAGE = 'registry.freelms.io/api-gateway:2.4.0';

async function patch(
  endpoints: SandboxEndpoints,
  body: unknown,
  kind: 'merge' | 'strategic-merge' = 'merge',
): Promise<void> {
  const url =
    `${endpoints.kubernetes}/apis/apps/v1/namespaces/${endpoints.namespace}` +
    '/deployments/api-gateway';
  const response = await fetch(url, {
    method: 'PATCH',
    headers: { 'content-type': `application/${kind}-patch+json` },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`PATCH api-gateway: ${response.status} ${await response.text()}`);
}

async function healthStatus(endpoints: SandboxEndpoints): Promise<string> {
  const response = await fetch(endpoints.health);
  return ((await response.json()) as { status: string }).status;
}

/**
 * Replaces every api-gateway pod at once (a Recreate rollout) with the crashing release, waits
 * for the health endpoint to say DOWN, then restores the rolling-update strategy (which does
 * not touch the pods).
 */
export async function crashApiGateway(endpoints: SandboxEndpoints): Promise<void> {
  const deployment = (await (
    await fetch(
      `${endpoints.kubernetes}/apis/apps/v1/namespaces/${endpoints.namespace}` +
        '/deployments/api-gateway',
    )
  ).json()) as {
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
  const containers = deployment.spec.template.spec.containers.map((c) =>
    c.name === 'api-gateway' ? { ...c, image: CRASHING_IMAGE } : c,
  );
  await patch(endpoints, {
    spec: {
      strategy: { type: 'Recreate', rollingUpdate: null },
      template: { spec: { containers } },
    },
  });
  const deadline = Date.now() + 30_000;
  while ((await healthStatus(endpoints)) !== 'DOWN') {
    if (Date.now() > deadline) throw new Error('the api-gateway still has a ready pod after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await patch(endpoints, {
    spec: {
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
    },
  });
}

/**
 * Rolls the api-gateway out on `image` with the strategy it has, as `kubectl set image` does:
 * a strategic merge patch, so the container is matched by name and the others are kept.
 */
export async function setApiGatewayImage(
  endpoints: SandboxEndpoints,
  image: string,
): Promise<void> {
  await patch(
    endpoints,
    { spec: { template: { spec: { containers: [{ name: 'api-gateway', image }] } } } },
    'strategic-merge',
  );
}

export { healthStatus };
