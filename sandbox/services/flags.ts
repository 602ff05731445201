/**
 * The FreeLMS admin API's feature flags, as the runbook drives them:
 *
 *     curl -X POST …/admin/feature-flags -H "Authorization: Bearer $ADMIN_TOKEN" \
 *       -d '{"flag": "new-feature", "enabled": false}'
 *
 * That curl sends no JSON content type, so the body is read as JSON whatever the header says.
 * `GET /admin/feature-flags` lists the flags, `GET /admin/feature-flags/{flag}` shows one.
 * Errors are Spring Boot's error bodies: 401 without a token, 403 with a wrong one, 404 for an
 * unknown flag, 400 for a body that is not `{"flag": string, "enabled": boolean}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultRegistry } from '../faults';
import { authorizationToken, isRecord, parseJson, readBody, requestUrl, sendJson } from './http';
import { SANDBOX_TOKENS } from './tokens';

export const FLAGS_MOUNT = '/admin/feature-flags';

export interface FeatureFlag {
  flag: string;
  enabled: boolean;
  description: string;
  updatedAt: string;
  updatedBy: string;
}

export class FeatureFlagsApi {
  readonly flags: FeatureFlag[];

  constructor(
    private readonly faults: FaultRegistry,
    private readonly onChange: (flag: string, enabled: boolean) => void = () => undefined,
  ) {
    const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const flag = (name: string, enabled: boolean, description: string): FeatureFlag => ({
      flag: name,
      enabled,
      description,
      updatedAt: at,
      updatedBy: 'release-bot',
    });
    this.flags = [
      flag('new-feature', true, 'The feature shipped in the latest release'),
      flag('course-recommendations', true, 'Personalised course recommendations on the dashboard'),
      flag('payment-3ds-v2', true, '3-D Secure 2 challenge flow in checkout'),
      flag('notification-digest', false, 'Daily digest e-mails instead of one per event'),
      flag('maintenance-banner', false, 'Site-wide maintenance banner'),
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const fullPath = requestUrl(req).pathname;
    const fail = (status: number, error: string, message: string) =>
      sendJson(res, status, {
        timestamp: new Date().toISOString(),
        status,
        error,
        message,
        path: fullPath,
      });

    const token = authorizationToken(req, ['Bearer ']);
    if (token === undefined || token === '') {
      return fail(401, 'Unauthorized', 'Full authentication is required to access this resource');
    }
    if (token !== SANDBOX_TOKENS.flagsAdmin) {
      return fail(403, 'Forbidden', 'Access Denied');
    }

    const method = (req.method ?? 'GET').toUpperCase();
    const name = decodeURIComponent(path.replace(/^\/+|\/+$/g, ''));
    if (method === 'GET' && name === '') {
      return sendJson(res, 200, { flags: this.flags });
    }
    if (method === 'GET') {
      const flag = this.flags.find((candidate) => candidate.flag === name);
      return flag === undefined
        ? fail(404, 'Not Found', `Unknown feature flag '${name}'`)
        : sendJson(res, 200, flag);
    }
    if (method !== 'POST' || name !== '') {
      return fail(405, 'Method Not Allowed', `Request method '${method}' is not supported`);
    }

    const body = parseJson(await readBody(req));
    this.faults.noteBody(req, body);
    if (!isRecord(body) || typeof body.flag !== 'string' || typeof body.enabled !== 'boolean') {
      return fail(
        400,
        'Bad Request',
        'Expected a body like {"flag": "new-feature", "enabled": false}',
      );
    }
    const flag = this.flags.find((candidate) => candidate.flag === body.flag);
    if (flag === undefined) {
      return fail(404, 'Not Found', `Unknown feature flag '${body.flag}'`);
    }
    const previous = flag.enabled;
    flag.enabled = body.enabled;
    flag.updatedAt = new Date().toISOString();
    flag.updatedBy = 'admin-api';
    if (previous !== flag.enabled) {
      this.onChange(flag.flag, flag.enabled);
    }
    sendJson(res, 200, { ...flag, previous });
  }
}
