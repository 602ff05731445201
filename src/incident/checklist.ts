import { slugify } from './ids';
import type { Action, CheckKind, Incident, IncidentEvent } from './model';
import { parseRunbook, type Runbook, type RunbookCommand, type RunbookStep } from './runbook';
import { watchCleanAt } from './watch';

/** Which of the runbook's five phases a heading names. */
export type PhaseKind =
  'detection' | 'triage' | 'mitigation' | 'resolution' | 'postIncident' | 'other';

export interface ChecklistItem {
  /** Stable within the checklist; `item.ticked` events name it. */
  id: string;
  title: string;
  details: string[];
  commands: RunbookCommand[];
  items: ChecklistItem[];
  /** The name of the rule that ticks it from the journal; absent for hand-ticked items. */
  rule?: RuleName;
}

export interface ChecklistPhase {
  id: string;
  title: string;
  kind: PhaseKind;
  /** Mitigation offers options: the phase is done when any one of them ran. */
  completion: 'all' | 'any';
  items: ChecklistItem[];
}

export interface ItemState {
  id: string;
  title: string;
  /** The rule that ticks it, so the UI can offer the command that does the step. */
  rule?: RuleName;
  ticked: boolean;
  tickedAt?: string;
  items: ItemState[];
}

export interface PhaseState {
  id: string;
  title: string;
  kind: PhaseKind;
  done: boolean;
  items: ItemState[];
}

type Ticker = (incident: Incident, now: Date) => string | undefined;

const firstAt =
  (predicate: (e: IncidentEvent) => boolean): Ticker =>
  (incident) =>
    incident.events.find(predicate)?.at;

const check = (kind: CheckKind) => firstAt((e) => e.type === 'check.ran' && e.check === kind);
const action = (kind: Action['kind']) =>
  firstAt((e) => e.type === 'action.taken' && e.ok && e.action.kind === kind);

/** A check that ran after the first mitigation, so it verifies the fix rather than the outage. */
const afterMitigation =
  (kinds: CheckKind[]): Ticker =>
  (incident) => {
    const mitigated =
      incident.events.find((e) => e.type === 'action.taken' && e.ok)?.at ?? incident.mitigatedAt;
    if (!mitigated) return undefined;
    return incident.events.find(
      (e) => e.type === 'check.ran' && e.ok && kinds.includes(e.check) && e.at >= mitigated,
    )?.at;
  };

/** Verify Fix found the affected services healthy: the evidence the step asks for. */
const verifiedHealthy = firstAt(
  (e) => e.type === 'snapshot.taken' && e.purpose === 'verify' && e.ok === true,
);

/** The first time any of the tickers ticks. */
const earliest =
  (...tickers: Ticker[]): Ticker =>
  (incident, now) =>
    tickers
      .map((tick) => tick(incident, now))
      .filter((at): at is string => at !== undefined)
      .sort()[0];

const RULES = {
  acknowledge: {
    phase: undefined,
    pattern: /acknowledge/i,
    tick: firstAt((e) => e.type === 'acknowledged'),
  },
  channel: { phase: undefined, pattern: /channel/i, tick: firstAt((e) => e.type === 'declared') },
  verify: {
    phase: 'resolution',
    pattern: /verify|health check/i,
    tick: earliest(afterMitigation(['health', 'smokeTests']), verifiedHealthy),
  },
  smokeTests: {
    phase: 'resolution',
    pattern: /critical flows|smoke/i,
    tick: afterMitigation(['smokeTests']),
  },
  health: { phase: undefined, pattern: /health/i, tick: check('health') },
  pods: { phase: undefined, pattern: /all services|pods/i, tick: check('pods') },
  errors: { phase: undefined, pattern: /errors|logs/i, tick: check('errors') },
  assessment: { phase: undefined, pattern: /assessment/i, tick: undefined },
  scope: {
    phase: undefined,
    pattern: /scope/i,
    tick: firstAt(
      (e) => e.type === 'scope.updated' || (e.type === 'declared' && e.usersImpacted !== undefined),
    ),
  },
  dashboards: { phase: undefined, pattern: /dashboard|grafana|jaeger/i, tick: check('dashboards') },
  roles: {
    phase: undefined,
    pattern: /roles/i,
    // Ticked once all three roles have someone, whether named when declaring or assigned later.
    tick: (incident: Incident) => {
      let last: string | undefined;
      const named = new Set<string>();
      for (const e of incident.events) {
        if (e.type === 'declared') for (const role of Object.keys(e.roles ?? {})) named.add(role);
        if (e.type === 'role.assigned') named.add(e.role);
        if ((e.type === 'declared' && e.roles) || e.type === 'role.assigned') last = e.at;
      }
      return named.size >= 3 ? last : undefined;
    },
  },
  rollback: { phase: undefined, pattern: /rollback|roll back/i, tick: action('rollback') },
  scale: { phase: undefined, pattern: /scale/i, tick: action('scale') },
  flag: { phase: undefined, pattern: /feature|flag|toggle/i, tick: action('flag') },
  database: { phase: undefined, pattern: /database|query/i, tick: action('query') },
  monitor: {
    phase: undefined,
    pattern: /monitor/i,
    // Done when the last monitoring watch ran its full length, measured to its end, without
    // a regression.
    tick: (incident: Incident) => watchCleanAt(incident.watch),
  },
  statusPage: {
    phase: undefined,
    pattern: /status page/i,
    // The resolution reached the status page (the outbox's `sp.resolve`), or a responder posted
    // there by hand.
    tick: firstAt(
      (e) =>
        (e.type === 'update.posted' && e.audience === 'statusPage') ||
        (e.type === 'delivery.succeeded' && e.key.endsWith(':sp.resolve')),
    ),
  },
  close: {
    phase: undefined,
    pattern: /close|resolve/i,
    tick: (incident: Incident) => incident.resolvedAt,
  },
  report: {
    phase: undefined,
    pattern: /report/i,
    tick: firstAt((e) => e.type === 'postmortem.written'),
  },
  review: {
    phase: undefined,
    pattern: /postmortem|review/i,
    tick: firstAt((e) => e.type === 'review.scheduled'),
  },
  // "Create follow-up tickets": a follow-up only in the journal is seen by nobody outside the
  // incident; the step is done once they are tracked where the team works, as a Markdown task
  // list in the repository or as issues.
  followUps: {
    phase: undefined,
    pattern: /follow-?up/i,
    tick: firstAt((e) => e.type === 'followups.exported' || e.type === 'followup.linked'),
  },
  runbook: {
    phase: 'postIncident',
    pattern: /runbook/i,
    tick: firstAt((e) => e.type === 'runbook.annotated'),
  },
} satisfies Record<
  string,
  { phase: PhaseKind | undefined; pattern: RegExp; tick: Ticker | undefined }
>;

export type RuleName = keyof typeof RULES;

// Order matters: "Acknowledge alert in PagerDuty" must not match "close … PagerDuty".
const RULE_ORDER: readonly RuleName[] = [
  'acknowledge',
  'channel',
  'smokeTests',
  'verify',
  'health',
  'pods',
  'errors',
  'assessment',
  'scope',
  'dashboards',
  'roles',
  'rollback',
  'scale',
  'flag',
  'database',
  'monitor',
  'statusPage',
  'report',
  'review',
  'followUps',
  'runbook',
  'close',
];

function ruleFor(title: string, kind: PhaseKind): RuleName | undefined {
  return RULE_ORDER.find((name) => {
    const rule = RULES[name];
    return (rule.phase === undefined || rule.phase === kind) && rule.pattern.test(title);
  });
}

function phaseKind(title: string): PhaseKind {
  if (/detect|alert/i.test(title)) return 'detection';
  if (/triage/i.test(title)) return 'triage';
  if (/mitigat/i.test(title)) return 'mitigation';
  if (/resol/i.test(title)) return 'resolution';
  if (/post/i.test(title)) return 'postIncident';
  return 'other';
}

/** Turns a parsed runbook into a checklist whose items know which events tick them. */
export function checklistFromRunbook(runbook: Runbook): ChecklistPhase[] {
  return runbook.phases.map((phase) => {
    const kind = phaseKind(phase.title);
    const phaseId = slugify(phase.title) || kind;
    const item = (step: RunbookStep, prefix: string): ChecklistItem => {
      const id = `${prefix}/${slugify(step.title)}`;
      return {
        id,
        title: step.title,
        details: step.details,
        commands: step.commands,
        items: step.steps.map((s) => item(s, id)),
        rule: ruleFor(step.title, kind),
      };
    };
    return {
      id: phaseId,
      title: phase.title,
      kind,
      completion: kind === 'mitigation' ? 'any' : 'all',
      items: phase.steps.map((s) => item(s, phaseId)),
    };
  });
}

/**
 * The runbook's five phases, for when no runbook file is configured; Update Runbook copies it
 * into the workspace so the team can edit it.
 */
export const BUILT_IN_RUNBOOK = `
### Phase 1: Detection & Alert
1. **Acknowledge alert** in PagerDuty
2. **Join incident channel** - #incident-<id>
3. **Initial assessment:**
   \`\`\`bash
   # Quick health check
   curl <health-url>
   # Check all services
   kubectl get pods -n freelms
   # Check recent errors
   kubectl logs -l app=api-gateway -n freelms --since=5m | grep ERROR
   \`\`\`
### Phase 2: Triage
1. **Identify scope:**
   - Which services affected?
   - How many users impacted?
   - Is data at risk?
2. **Check dashboards:** Grafana, Jaeger
3. **Assign roles:**
   - Incident Commander, Technical Lead, Communications
### Phase 3: Mitigation
1. **Option A: Rollback**
2. **Option B: Scale Up**
3. **Option C: Feature Toggle**
4. **Option D: Database Fix**
### Phase 4: Resolution
1. **Verify fix**
2. **Monitor for 30 minutes**
3. **Update status page**
4. **Close incident in PagerDuty**
### Phase 5: Post-Incident
1. Write incident report
2. Schedule blameless postmortem
3. Create follow-up tickets
4. Update runbooks if needed
`;

/** The checklist of the team's runbook, built in. */
export function defaultChecklist(): ChecklistPhase[] {
  return checklistFromRunbook(parseRunbook(BUILT_IN_RUNBOOK));
}

/**
 * The checklist from the runbook file of `freelms.runbook.path`, or the built-in one when no
 * file is set or the file has no phases the parser can find (`problem` then says so).
 */
export function checklistFromMarkdown(markdown: string | undefined): {
  phases: ChecklistPhase[];
  fromRunbook: boolean;
  problem?: string;
} {
  if (markdown === undefined) return { phases: defaultChecklist(), fromRunbook: false };
  const phases = checklistFromRunbook(parseRunbook(markdown));
  if (phases.length > 0) return { phases, fromRunbook: true };
  return {
    phases: defaultChecklist(),
    fromRunbook: false,
    problem: 'the runbook has no "Phase" headings or numbered steps; using the built-in checklist',
  };
}

/** Which items of the checklist are ticked for the incident at `now`. */
export function evaluateChecklist(
  checklist: readonly ChecklistPhase[],
  incident: Incident,
  now: Date,
): PhaseState[] {
  const byHand = new Map<string, string>();
  for (const e of incident.events)
    if (e.type === 'item.ticked' && !byHand.has(e.item)) byHand.set(e.item, e.at);

  const evaluate = (item: ChecklistItem): ItemState => {
    const items = item.items.map(evaluate);
    const rule = item.rule ? RULES[item.rule] : undefined;
    let tickedAt = byHand.get(item.id) ?? rule?.tick?.(incident, now);
    if (!tickedAt && items.length > 0 && items.every((i) => i.ticked)) {
      tickedAt = items
        .map((i) => i.tickedAt!)
        .sort()
        .at(-1);
    }
    return {
      id: item.id,
      title: item.title,
      rule: item.rule,
      ticked: tickedAt !== undefined,
      tickedAt,
      items,
    };
  };

  return checklist.map((phase) => {
    const items = phase.items.map(evaluate);
    const done =
      items.length > 0 &&
      (phase.completion === 'any' ? items.some((i) => i.ticked) : items.every((i) => i.ticked));
    return { id: phase.id, title: phase.title, kind: phase.kind, done, items };
  });
}

/** The phase the incident is in: the first one not done, or undefined when all are. */
export function currentPhase(states: readonly PhaseState[]): PhaseState | undefined {
  return states.find((p) => !p.done);
}
