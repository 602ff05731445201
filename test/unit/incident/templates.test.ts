import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import {
  customerUpdateMessage,
  declarationMessage,
  resolutionMessage,
} from '../../../src/incident/templates';
import { gatewayOutage } from './sample';

describe('communication templates', () => {
  const open = () => {
    const resolved = gatewayOutage();
    return deriveIncident(resolved.events.filter((e) => e.type !== 'resolved'));
  };

  it('renders the internal declaration for Slack with the real siren and a channel link', () => {
    assert.equal(
      declarationMessage(open(), { format: 'slack' }),
      [
        '*🚨 INCIDENT DECLARED - P1*',
        '*Issue:* API gateway down: every request answers 502',
        '*Impact:* all learners (~12,000) impacted',
        '*IC:* Dana',
        '*Channel:* <#C0INC>',
        '*Status:* Mitigated',
      ].join('\n'),
    );
  });

  it('renders the declaration as plain text with the channel name before Slack answered', () => {
    const incident = deriveIncident(open().events.filter((e) => e.type !== 'linked'));
    const text = declarationMessage(incident, { format: 'plain' });
    assert.match(text, /^🚨 INCIDENT DECLARED - P1\nIssue: /);
    assert.match(text, /\nChannel: #incident-2026-12-03-api-gateway-down\n/);
    assert.doesNotMatch(text, /\*/);
  });

  it('escapes Slack control characters in what responders typed', () => {
    const incident = deriveIncident([
      { ...open().events[0]!, title: 'Checkout <500> & friends', description: undefined } as never,
    ]);
    assert.match(
      declarationMessage(incident, { format: 'slack' }),
      /\*Issue:\* Checkout &lt;500&gt; &amp; friends/,
    );
    assert.match(
      declarationMessage(incident, { format: 'plain' }),
      /Issue: Checkout <500> & friends/,
    );
  });

  it('words the customer update by status and promises updates every 30 minutes while unresolved', () => {
    const first = deriveIncident([open().events[0]!]);
    assert.equal(
      customerUpdateMessage(first, {
        format: 'plain',
        statusPageUrl: 'https://status.example.test',
      }),
      [
        'We are currently experiencing issues with api-gateway, course-service.',
        'Our team is actively investigating.',
        'We will provide updates every 30 minutes.',
        'Status page: https://status.example.test',
      ].join('\n'),
    );
    const done = customerUpdateMessage(gatewayOutage(), {
      format: 'slack',
      statusPageUrl: 'https://status.example.test',
    });
    assert.match(done, /have been resolved/);
    assert.doesNotMatch(done, /every 30 minutes/);
    assert.match(done, /\*Status page:\* https:\/\/status.example.test/);
  });

  it('renders the resolution with duration, root cause, impact and follow-ups', () => {
    assert.equal(
      resolutionMessage(gatewayOutage(), { format: 'plain' }),
      [
        '✅ INCIDENT RESOLVED',
        'Duration: 1 h 12 min',
        'Root cause: A route table in revision 42 sent every request to a removed upstream',
        'Impact: all learners (~12,000) impacted',
        'Follow-up: Add a canary stage for api-gateway; Alert on 5xx rate > 5%',
      ].join('\n'),
    );
    assert.match(
      resolutionMessage(gatewayOutage(), { format: 'slack' }),
      /^\*✅ INCIDENT RESOLVED\*\n\*Duration:\* 1 h 12 min/,
    );
  });
});
