import assert from 'node:assert/strict';

import * as v from 'valibot';

import { FromComposerSchema, previewSegments } from '../../../src/ui/compose/protocol';

describe('the update composer', () => {
  it('previews Slack bold, italic, code and strike as styled segments, never as HTML', () => {
    assert.deepEqual(previewSegments('*IC:* dana uses `kubectl` _now_ ~later~'), [
      { text: 'IC:', style: 'bold' },
      { text: ' dana uses ' },
      { text: 'kubectl', style: 'code' },
      { text: ' ' },
      { text: 'now', style: 'italic' },
      { text: ' ' },
      { text: 'later', style: 'strike' },
    ]);
  });

  it('shows Slack-escaped characters as typed and keeps snake_case words intact', () => {
    assert.deepEqual(previewSegments('p95 &lt; 200 ms for user_service &amp; api'), [
      { text: 'p95 < 200 ms for user_service & api' },
    ]);
  });

  it("shows Slack's links as Slack displays them, not as <#C…> codes", () => {
    assert.deepEqual(
      previewSegments(
        '*Channel:* <#C0INC|incident-gateway> cc <@U01> <https://grafana.example|Grafana>',
      ),
      [{ text: 'Channel:', style: 'bold' }, { text: ' #incident-gateway cc @someone Grafana' }],
    );
    assert.deepEqual(previewSegments('<#C0INC> &lt;b&gt;'), [{ text: '#channel <b>' }]);
  });

  it('refuses to send an empty update', () => {
    const result = v.safeParse(FromComposerSchema, {
      type: 'send',
      template: 'customer',
      text: '   ',
    });
    assert.equal(result.success, false);
  });
});
