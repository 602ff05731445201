import assert from 'node:assert/strict';

import { deriveIncident } from '../../../src/incident/derive';
import {
  customerResolutionMessage,
  customerUpdateMessage,
  declarationMessage,
  durationText,
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
        '*Channel:* <#C0INC|incident-2026-12-03-api-gateway-down>',
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
        'Duration: 1 hour 12 minutes (2026-12-03 09:58 to 11:10 UTC)',
        'Root cause: A route table in revision 42 sent every request to a removed upstream',
        'Impact: all learners (~12,000) impacted',
        'Follow-up: Add a canary stage for api-gateway; Alert on 5xx rate > 5%',
      ].join('\n'),
    );
    assert.match(
      resolutionMessage(gatewayOutage(), { format: 'slack' }),
      /^\*✅ INCIDENT RESOLVED\*\n\*Duration:\* 1 hour 12 minutes/,
    );
  });

  it('states the impact the resolution gave and links the status page incident', () => {
    const incident = gatewayOutage([
      {
        type: 'linked',
        id: 'e90',
        at: '2026-12-03T10:01:00.000Z',
        service: 'statuspage',
        remoteId: 'sp1',
        url: 'https://stspg.example/abc123',
      },
    ]);
    const resolved = incident.events.find((e) => e.type === 'resolved')!;
    const withImpact = deriveIncident([
      ...incident.events.filter((e) => e !== resolved),
      { ...resolved, impact: '72 minutes of 502s for every learner' } as never,
    ]);
    const text = resolutionMessage(withImpact, { format: 'slack' });
    assert.match(text, /\n\*Impact:\* 72 minutes of 502s for every learner\n/);
    assert.match(text, /\n\*Status page:\* https:\/\/stspg.example\/abc123$/);
    assert.doesNotMatch(resolutionMessage(gatewayOutage(), { format: 'slack' }), /Status page/);
  });

  it('says what fixed it and, for a resolution before the watch ended, why', () => {
    const incident = gatewayOutage();
    const resolved = incident.events.find((e) => e.type === 'resolved')!;
    const early = deriveIncident([
      ...incident.events.filter((e) => e !== resolved),
      {
        ...resolved,
        summary: 'Rolled back to revision 41',
        earlyReason: 'the release window closes at 11:00',
      } as never,
    ]);
    const text = resolutionMessage(early, { format: 'plain' });
    assert.match(text, /\nDuration: .*\nResolution: Rolled back to revision 41\nRoot cause: /);
    assert.match(text, /\nResolved before the watch ended: the release window closes at 11:00\n/);
  });

  it('gives the date of the end too when the incident ran past midnight, and says under a minute', () => {
    const [declared] = gatewayOutage().events;
    const at = (iso: string) => ({ type: 'resolved', id: 'r', at: iso }) as never;
    const overnight = deriveIncident([declared!, at('2026-12-04T01:30:00.000Z')]);
    assert.equal(
      durationText(overnight),
      '15 hours 32 minutes (2026-12-03 09:58 to 2026-12-04 01:30 UTC)',
    );
    const blip = deriveIncident([declared!, at('2026-12-03T09:58:40.000Z')]);
    assert.match(durationText(blip), /^under a minute \(/);
  });

  it('tells customers the resolution without the internal root cause or follow-ups', () => {
    assert.equal(
      customerResolutionMessage(gatewayOutage(), { format: 'plain' }),
      [
        'The issues with api-gateway, course-service have been resolved.',
        'Duration: 1 hour 12 minutes (2026-12-03 09:58 to 11:10 UTC)',
        'Impact: all learners (~12,000) impacted',
        'Thank you for your patience.',
      ].join('\n'),
    );
  });
});
