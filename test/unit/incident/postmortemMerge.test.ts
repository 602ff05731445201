import assert from 'node:assert/strict';

import { mergePostmortem } from '../../../src/incident/postmortemMerge';

const generated = (status: string, timeline: string) => `# Postmortem: api-gateway down

Incident \`2026-12-03-api-gateway-down\` · P1 · ${status}

## Summary

_To be written by the authors._

## Timeline (UTC)

| Time | Event | By |
|---|---|---|
${timeline}

## Root cause

_To be written by the authors._

## Contributing factors

_To be written by the authors._

## Follow-ups

- [ ] Create follow-up tickets
`;

describe('regenerating a postmortem the authors have edited', () => {
  const first = generated('investigating', '| 03:12 | Incident declared | dana |');
  const later = generated(
    'resolved',
    '| 03:12 | Incident declared | dana |\n| 03:40 | Resolved | dana |',
  );

  it('takes the journal’s new state for the generated sections', () => {
    const merged = mergePostmortem(first, later);
    assert.match(merged, /P1 · resolved/);
    assert.match(merged, /\| 03:40 \| Resolved \| dana \|/);
  });

  it('keeps what the authors wrote under Summary and Root cause', () => {
    const edited = first
      .replace(
        '## Summary\n\n_To be written by the authors._',
        '## Summary\n\nThe gateway ran out of file descriptors.',
      )
      .replace(
        '## Root cause\n\n_To be written by the authors._',
        '## Root cause\n\nA connection leak in 2.4.1:\n\n```\nulimit -n 1024\n## not a heading\n```',
      );
    const merged = mergePostmortem(edited, later);
    assert.match(merged, /## Summary\n\nThe gateway ran out of file descriptors\./);
    assert.match(
      merged,
      /A connection leak in 2\.4\.1:\n\n```\nulimit -n 1024\n## not a heading\n```/,
    );
    assert.match(merged, /## Contributing factors\n\n_To be written by the authors\._/);
    assert.match(merged, /\| 03:40 \| Resolved \| dana \|/);
  });

  it('keeps a section the authors added, after the section it followed', () => {
    const edited = first.replace(
      '## Follow-ups',
      '## Lessons learned\n\nAlert on descriptor usage.\n\n## Follow-ups',
    );
    const merged = mergePostmortem(edited, later);
    assert.match(
      merged,
      /## Contributing factors\n\n_To be written by the authors\._\n\n## Lessons learned\n\nAlert on descriptor usage\.\n\n## Follow-ups/,
    );
  });

  it('gives the same document when nothing changed', () => {
    assert.equal(mergePostmortem(later, later), later);
  });
});
