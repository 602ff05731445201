import assert from 'node:assert/strict';

import { createLog, redact, type LogLevel } from '../../../src/common/log';

describe('log redaction', () => {
  it('hides a Slack bot token but keeps its kind', () => {
    assert.equal(redact('token rejected: xoxb-1234567890-abcdefghij'), 'token rejected: xoxb-***');
  });

  it('hides bearer and PagerDuty tokens in headers', () => {
    assert.equal(redact('Authorization: Bearer abc.def.ghi'), 'Authorization: Bearer ***');
    assert.equal(
      redact('Authorization: Token token=y_NbAkKc66ryYTWUXYEu'),
      'Authorization: Token token= ***',
    );
  });

  it('hides passwords in connection strings and key-value text', () => {
    assert.equal(
      redact('postgres://freelms:s3cret@db:5432/lms'),
      'postgres://freelms:***@db:5432/lms',
    );
    assert.equal(redact('{"password": "hunter22"}'), '{"password": "***"}');
  });

  it('leaves ordinary text alone', () => {
    const line = 'GET /api/v1/namespaces/freelms/pods 200 in 12 ms';
    assert.equal(redact(line), line);
  });

  it('tags every line with its component and redacts before the sink sees it', () => {
    const lines: Array<[LogLevel, string]> = [];
    const log = createLog('slack', (level, line) => lines.push([level, line]));
    log.warn('chat.postMessage failed with xoxb-1234567890-zzzz');
    assert.deepEqual(lines, [['warn', '[slack] chat.postMessage failed with xoxb-***']]);
  });
});
