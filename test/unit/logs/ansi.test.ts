import assert from 'node:assert/strict';

import { parseAnsi, visibleText } from '../../../media/logs/ansi';

const ESC = '\u001b';

describe('ANSI colours in container logs', () => {
  it('turns SGR colours into segments and never shows an escape code', () => {
    const line = `${ESC}[2Kweb-1  | ${ESC}[31m${ESC}[1mERROR${ESC}[0m in app: boom`;
    const segments = parseAnsi(line);
    assert.deepEqual(segments, [
      { text: 'web-1  | ' },
      { text: 'ERROR', fg: 1, bold: true },
      { text: ' in app: boom' },
    ]);
    assert.equal(visibleText(line), 'web-1  | ERROR in app: boom');
  });

  it('maps bright colours, backgrounds and 256-colour codes below 16; drops higher ones', () => {
    assert.deepEqual(parseAnsi(`${ESC}[92;41mok`), [{ text: 'ok', fg: 10, bg: 1 }]);
    assert.deepEqual(parseAnsi(`${ESC}[38;5;9mred${ESC}[38;5;200mpink`), [
      { text: 'red', fg: 9 },
      { text: 'pink' },
    ]);
    assert.deepEqual(parseAnsi(`${ESC}[38;2;255;0;0mtrue${ESC}[39m plain`), [
      { text: 'true' },
      { text: ' plain' },
    ]);
  });

  it('removes cursor moves, OSC titles and links, and stray control characters, keeping tabs', () => {
    const line = `${ESC}]0;title\u0007a${ESC}[1A${ESC}]8;;http://x${ESC}\\b\u0008c\td`;
    assert.equal(visibleText(line), 'abc\td');
  });

  it('treats text that looks like markup as text', () => {
    assert.deepEqual(parseAnsi('<img src=x onerror=alert(1)>'), [
      { text: '<img src=x onerror=alert(1)>' },
    ]);
  });
});
