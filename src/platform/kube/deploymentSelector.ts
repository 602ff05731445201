import type { V1LabelSelector } from '@kubernetes/client-node';

/**
 * The label selector of a Deployment (or StatefulSet) in query form, as kubectl builds it for `rollout history`
 * and `logs deployment/x`: match labels, then match expressions.
 */
export function selectorOf(d: { spec?: { selector?: V1LabelSelector } }): string {
  const labels = d.spec?.selector?.matchLabels ?? {};
  const expressions = (d.spec?.selector?.matchExpressions ?? []).map((e) =>
    e.operator === 'Exists'
      ? e.key
      : e.operator === 'DoesNotExist'
        ? `!${e.key}`
        : `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`,
  );
  return [...Object.entries(labels).map(([k, v]) => `${k}=${v}`), ...expressions].join(',');
}
