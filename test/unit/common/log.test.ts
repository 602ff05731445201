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

  it('hides GitHub and AWS keys and JSON Web Tokens pasted into a follow-up', () => {
    assert.equal(
      redact(
        'Rotate ghp_abcdefghijklmnopqrstuvwxyz0123456789, AKIAIOSFODNN7EXAMPLE and ' +
          'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      ),
      'Rotate ghp_***, AKIA*** and eyJ***',
    );
    assert.equal(redact('github_pat_11ABCDEFG0123456789_abcdefghijkl'), 'github_pat_***');
  });

  it('hides a password written after the word, as people type it, but not the words of a sentence', () => {
    assert.equal(
      redact('Rotate the DB password hunter2 today'),
      'Rotate the DB password *** today',
    );
    assert.equal(
      redact('./smoke.sh --password s3cret! --quick'),
      './smoke.sh --password *** --quick',
    );
    assert.equal(redact('the password is Tr0ub4dor'), 'the password is ***');
    assert.equal(redact('pw hunter2; Password: x'), 'pw ***; Password: ***');
    const sentence = 'Fix the password reset page and the passphrase prompt';
    assert.equal(redact(sentence), sentence);
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
