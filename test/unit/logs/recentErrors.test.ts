import assert from 'node:assert/strict';

import { KubeError } from '../../../src/platform/kube/errors';
import type { RecentErrorsResult } from '../../../src/platform/kube/recentErrors';
import { renderRecentErrors } from '../../../src/ui/logs/recentErrorsText';

const error = (pod: string, plain: string, continuation: string[] = []) => ({
  seq: 1,
  pod,
  container: 'app',
  timestamp: '2026-03-10T11:00:02.123456789Z',
  time: Date.parse('2026-03-10T11:00:02Z'),
  text: plain,
  plain,
  level: 'ERROR' as const,
  continuation,
});

describe('the recent errors report', () => {
  const result: RecentErrorsResult = {
    podCount: 5,
    services: [
      {
        service: 'payment-service',
        count: 2,
        errors: [
          error(
            'payment-1',
            'ERROR Stripe timeout',
            Array.from({ length: 9 }, (_, i) => `\tat f${i}`),
          ),
          error('payment-2', 'ERROR Stripe 502'),
        ],
      },
    ],
    failures: [
      { pod: 'api-1', container: 'envoy', error: new KubeError('forbidden', 'not allowed') },
    ],
  };
  const at = new Date('2026-03-10T11:05:00Z');

  it("groups errors by service, each line linking to its pod's logs", () => {
    const { text, links } = renderRecentErrors(result, {
      context: 'prod',
      namespace: 'freelms',
      minutes: 15,
      at,
    });
    const lines = text.split('\n');
    assert.match(lines[0]!, /last 15 minutes in freelms \(prod\).*5 pods: 2 errors in 1 services/);
    assert.ok(lines.includes('== payment-service: 2 ERROR lines =='));
    assert.match(text, /Could not read api-1\/envoy: not allowed/);
    assert.equal(links.length, 2);
    const first = links[0]!;
    assert.equal(lines[first.line]!.slice(first.start, first.end), 'payment-1/app');
    assert.equal(first.pod, 'payment-1');
    assert.match(
      lines[first.line]!,
      /^2026-03-10T11:00:02Z {2}payment-1\/app {2}ERROR Stripe timeout$/,
    );
  });

  it("keeps the first stack lines under an error and says how many more the pod's log has", () => {
    const { text } = renderRecentErrors(result, { context: 'c', namespace: 'n', minutes: 5, at });
    assert.match(text, / {4}at f5\n {4}… 3 more lines in the pod's log/);
  });

  it('says so when there is nothing', () => {
    const { text, links } = renderRecentErrors(
      { podCount: 3, services: [], failures: [] },
      { context: 'c', namespace: 'n', minutes: 5, at },
    );
    assert.match(text, /No ERROR lines\./);
    assert.equal(links.length, 0);
  });
});
