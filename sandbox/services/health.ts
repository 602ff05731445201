/**
 * Spring Boot's actuator health of the FreeLMS API gateway (`/actuator/health`, and the
 * `liveness` and `readiness` groups below it). It reports DOWN with HTTP 503 while the
 * api-gateway deployment has no ready pod, and a component DOWN when the scenario says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { sendJson } from './http';

export const HEALTH_MOUNT = '/actuator/health';

/** Spring Boot 3's media type for actuator answers. */
const ACTUATOR_TYPE = 'application/vnd.spring-boot.actuator.v3+json';

/** Health of the backing services, as the Kubernetes part of the sandbox sees them. */
export interface ComponentHealth {
  db?: boolean;
  redis?: boolean;
  kafka?: boolean;
}

export interface HealthDeps {
  isApiGatewayReady(): boolean;
  componentHealth?(): ComponentHealth;
}

export function handleHealth(
  deps: HealthDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  const group = path.replace(/^\/+|\/+$/g, '');
  const gatewayUp = deps.isApiGatewayReady();
  const parts = deps.componentHealth?.() ?? {};
  const status = (up: boolean | undefined) => (up === false ? 'DOWN' : 'UP');

  let body: Record<string, unknown>;
  let up: boolean;
  if (group === 'liveness') {
    up = true;
    body = { status: 'UP' };
  } else if (group === 'readiness' || group === '') {
    const components: Record<string, unknown> = {
      db: {
        status: status(parts.db),
        details: { database: 'PostgreSQL', validationQuery: 'isValid()' },
      },
      diskSpace: {
        status: 'UP',
        details: {
          total: 53_660_876_800,
          free: 31_138_029_568,
          threshold: 10_485_760,
          path: '/app/.',
          exists: true,
        },
      },
      kafka: {
        status: status(parts.kafka),
        details: { clusterId: 'freelms-kafka', brokers: ['kafka-0.kafka:9092'] },
      },
      ping: { status: 'UP' },
      redis: { status: status(parts.redis), details: { version: '7.2.4' } },
    };
    if (!gatewayUp) {
      // What a client behind the ingress learns when no gateway pod is ready to serve.
      components.readinessState = {
        status: 'DOWN',
        details: { error: 'no ready api-gateway pod' },
      };
    }
    up = gatewayUp && parts.db !== false && parts.redis !== false && parts.kafka !== false;
    body =
      group === ''
        ? { status: up ? 'UP' : 'DOWN', groups: ['liveness', 'readiness'], components }
        : { status: up ? 'UP' : 'DOWN', components };
  } else {
    sendJson(res, 404, {
      timestamp: new Date().toISOString(),
      status: 404,
      error: 'Not Found',
      path: req.url,
    });
    return;
  }
  sendJson(res, up ? 200 : 503, body, { 'content-type': ACTUATOR_TYPE });
}
