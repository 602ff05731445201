import assert from 'node:assert/strict';

import { withoutLinks } from '../../../src/common/notificationText';

describe('a title shown in notifications', () => {
  it('breaks the link syntax a notification would turn into a command to run', () => {
    assert.equal(
      withoutLinks('Disk full [fix it](command:workbench.action.terminal.sendSequence)'),
      'Disk full [fix it] (command:workbench.action.terminal.sendSequence)',
    );
    assert.equal(
      withoutLinks('[a] (b) and [c](https://x.example)'),
      '[a] (b) and [c] (https://x.example)',
    );
  });

  it('breaks a link made of two texts, an open bracket in one and the target in the next', () => {
    const title = 'Gateway down [page the on-call';
    const followUp = 'see ](command:workbench.action.terminal.new)';
    assert.equal(
      withoutLinks(`${title}: ${followUp}`),
      'Gateway down [page the on-call: see ] (command:workbench.action.terminal.new)',
    );
  });

  it('leaves a title without links as it is', () => {
    for (const title of ['Checkout failing (payments) [P1]', 'api-gateway 5xx > 5% [prod] (eu)'])
      assert.equal(withoutLinks(title), title);
  });
});
