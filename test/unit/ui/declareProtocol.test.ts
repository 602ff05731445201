import assert from 'node:assert/strict';

import * as v from 'valibot';

import { FromFormSchema, validateDeclareForm } from '../../../src/ui/declare/protocol';

const valid = {
  title: '  api-gateway returns 502  ',
  severity: 'P1',
  description: 'Every request to /api fails since 03:12.',
  affectedServices: ['api-gateway', ' course-service '],
  usersImpacted: 'all students',
  dataAtRisk: 'unknown',
  commander: 'dana',
  technicalLead: '',
  communications: '',
  createSlackChannel: true,
  pagePagerDuty: true,
};

describe('the Declare Incident form protocol', () => {
  it('accepts a filled form and trims what was typed', () => {
    const { form, errors } = validateDeclareForm(valid);
    assert.deepEqual(errors, {});
    assert.equal(form?.title, 'api-gateway returns 502');
    assert.deepEqual(form?.affectedServices, ['api-gateway', 'course-service']);
  });

  it('names each missing field with what to do about it', () => {
    const { form, errors } = validateDeclareForm({
      ...valid,
      title: ' x ',
      severity: '',
      commander: '',
    });
    assert.equal(form, undefined);
    assert.match(errors['title']!, /at least 3 characters/);
    assert.match(errors['severity']!, /Choose a severity/);
    assert.match(errors['commander']!, /Name the incident commander/);
  });

  it('refuses a severity outside P1 to P4', () => {
    assert.match(
      validateDeclareForm({ ...valid, severity: 'P0' }).errors['severity']!,
      /Choose a severity/,
    );
  });

  it('rejects messages from the page that are not in the protocol', () => {
    assert.equal(v.safeParse(FromFormSchema, { type: 'ready' }).success, true);
    assert.equal(v.safeParse(FromFormSchema, { type: 'submit', form: valid }).success, true);
    assert.equal(
      v.safeParse(FromFormSchema, { type: 'submit', form: { title: 'x' } }).success,
      false,
    );
    assert.equal(
      v.safeParse(FromFormSchema, { type: 'runCommand', command: 'rm -rf /' }).success,
      false,
    );
  });
});
