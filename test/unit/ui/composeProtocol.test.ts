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

  it('refuses to send an empty update', () => {
    const result = v.safeParse(FromComposerSchema, {
      type: 'send',
      template: 'customer',
      text: '   ',
    });
    assert.equal(result.success, false);
  });
});
