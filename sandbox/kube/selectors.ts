/** Label and field selectors as the API server parses them from `labelSelector`/`fieldSelector`. */
import { badRequest } from './status';
import type { KObject } from './types';

type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type Matcher = (labels: Record<string, string> | undefined) => boolean;

const everything: Matcher = () => true;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** `app=api,tier in (web,edge),!canary` → a matcher. Throws a 400 `Status` on bad syntax. */
export function parseLabelSelector(text: string | null | undefined): Matcher {
  if (!text || !text.trim()) return everything;
  const requirements: Requirement[] = splitTerms(text).map((term) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) return { key: m[2]!, op: m[1] ? '!exists' : 'exists' };
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  });
  return (labels) => requirements.every((req) => matches(req, labels ?? {}));
}

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return has && req.values.includes(labels[req.key]!);
    case 'notin':
      return !has || !req.values.includes(labels[req.key]!);
  }
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A Deployment's `spec.selector` written the way kubectl and the server print it. */
export function selectorToString(selector: LabelSelectorObject | undefined): string {
  if (!selector) return '<none>';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    parts.push(`${key}=${value}`);
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...(expr.values ?? [])].sort().join(',');
    switch (expr.operator) {
      case 'In':
        parts.push(`${expr.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${expr.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(expr.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expr.key}`);
        break;
    }
  }
  return parts.length ? parts.join(',') : '<none>';
}

/** A matcher for a `spec.selector`; an empty selector matches everything, a missing one nothing. */
export function selectorMatcher(selector: LabelSelectorObject | undefined): Matcher {
  if (!selector) return () => false;
  const text = selectorToString(selector);
  return text === '<none>' ? everything : parseLabelSelector(text);
}

type FieldRequirement = { path: string; value: string; negate: boolean };

export type ObjectMatcher = (obj: KObject) => boolean;

/** `metadata.name=x,status.phase!=Running` → a matcher over objects. */
export function parseFieldSelector(text: string | null | undefined): ObjectMatcher {
  if (!text || !text.trim()) return () => true;
  const reqs: FieldRequirement[] = splitTerms(text).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path: m[1]!, value: m[3]!.trim(), negate: m[2] === '!=' };
  });
  return (obj) => reqs.every((req) => (fieldValue(obj, req.path) === req.value) !== req.negate);
}

function fieldValue(obj: KObject, path: string): string {
  let value: unknown = obj;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return '';
  return String(value);
}
