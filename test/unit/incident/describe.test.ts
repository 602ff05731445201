import assert from 'node:assert/strict';

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

import { describeAction, formatDuration, formatTime } from '../../../src/incident/describe';

describe('timeline wording and times', () => {
  it('writes times in the team zone across summer time, half-hour and 45-minute offsets', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'UTC',
    ];
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 97 * 60_000 + 7_000) {
      for (const zone of zones) {
        const iso = new Date(ms).toISOString();
        const expected = format(new TZDate(ms, zone), 'yyyy-MM-dd HH:mm:ss');
        assert.equal(formatTime(iso, zone, 'yyyy-MM-dd HH:mm:ss'), expected, `${iso} in ${zone}`);
      }
    }
    assert.equal(formatTime('2026-03-29T01:30:00Z', 'Europe/Berlin'), '2026-03-29 03:30');
    assert.equal(formatTime('2026-03-29T00:30:00Z', 'Europe/Berlin', 'HH:mm'), '01:30');
  });

  it('says durations the way responders do', () => {
    assert.equal(formatDuration(20_000), '20 s');
    assert.equal(formatDuration(40_000), '1 min');
    assert.equal(formatDuration(45 * 60_000), '45 min');
    assert.equal(formatDuration(72 * 60_000), '1 h 12 min');
    assert.equal(formatDuration(120 * 60_000), '2 h');
    assert.equal(formatDuration(51 * 3_600_000), '2 d 3 h');
  });

  it('describes a rollback to the previous revision when no revision was chosen', () => {
    assert.equal(
      describeAction({ kind: 'rollback', deployment: 'course-service' }),
      'Rolled back deployment/course-service to the previous revision',
    );
    assert.equal(
      describeAction({ kind: 'flag', flag: 'new-checkout', enabled: true }),
      'Enabled feature flag new-checkout',
    );
  });
});
