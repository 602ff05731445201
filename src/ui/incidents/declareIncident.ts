import type { DeliveryState, Target } from '../../incident/deliveries';
import type { Role } from '../../incident/model';
import { publicAtOnce } from '../../incident/statusPagePlan';
import type { IncidentStore } from '../../incident/store';
import type { DeclareHandler } from '../declare/declarePanel';
import { validateDeclareForm, type DeclareForm, type DeclareStep } from '../declare/protocol';
import type { Unconfigured } from '../delivery/deliveryService';

/** What declaring needs of the outbox: the DeliveryService, narrowed for tests. */
export interface DeclareDelivery {
  unconfigured(): Promise<Unconfigured>;
  deliveries(id: string): Promise<DeliveryState[]>;
  onDidChange(listener: (id: string) => void): { dispose(): void };
}

const ROLE_FIELDS: ReadonlyArray<[Role, keyof DeclareForm]> = [
  ['commander', 'commander'],
  ['technicalLead', 'technicalLead'],
  ['communications', 'communications'],
];

/** A delivery step of the form, and how many of its target's first deliveries make it up. */
interface Followed {
  step: DeclareStep;
  target: Target;
  count: number;
}

/**
 * How long the form keeps following PagerDuty, Slack and the status page after declaring. Deliveries go on in the
 * outbox for as long as it takes; past this the form stops updating and the Incidents view's
 * Deliveries rows carry on.
 */
const FOLLOW_MS = 15 * 60_000;

/**
 * Declares from the form: the incident and its roles are written to the journal first, and only
 * then does the outbox send anything, so a crash or an unreachable service loses nothing typed.
 * The form follows the outbox until PagerDuty and Slack answered, or says what is still pending.
 */
export function declareFromForm(
  store: IncidentStore,
  delivery: DeclareDelivery,
  me: () => string,
  onDeclared: (id: string) => void,
  followMs = FOLLOW_MS,
): DeclareHandler {
  return async (form, report) => {
    const journal: DeclareStep = { name: 'Write the incident to its journal', state: 'pending' };
    const pagerduty: DeclareStep = { name: 'Page PagerDuty', state: 'pending' };
    const slack: DeclareStep = {
      name: 'Create the Slack channel and post the declaration',
      state: 'pending',
    };
    const statusPage: DeclareStep = { name: 'Open the status page incident', state: 'pending' };
    const steps = [journal, pagerduty, slack, statusPage];
    report(steps);

    const unconfigured = await delivery.unconfigured();
    // An unconfigured service's box is off because it cannot be ticked, not by choice: its
    // deliveries wait in the journal and go out once it is configured.
    const optedOut = (requested: boolean, missing: string | undefined) =>
      !requested && !missing ? false : undefined;
    const roles: Partial<Record<Role, string>> = {};
    for (const [role, field] of ROLE_FIELDS) {
      const name = String(form[field]).trim();
      if (name) roles[role] = name;
    }
    const incident = await store.declare({
      title: form.title,
      publicTitle: form.publicTitle || undefined,
      severity: form.severity,
      description: form.description || undefined,
      services: form.affectedServices,
      usersImpacted: form.usersImpacted || undefined,
      dataAtRisk: form.dataAtRisk,
      notify: {
        pagerduty: optedOut(form.pagePagerDuty, unconfigured.pagerduty),
        slack: optedOut(form.createSlackChannel, unconfigured.slack),
        statusPage: optedOut(form.publishStatusPage, unconfigured.statusPage),
      },
      roles,
      by: me(),
    });
    Object.assign(journal, { state: 'done', detail: store.journalPath(incident.id) });
    onDeclared(incident.id);
    report(steps);

    const targets: Array<[Followed, boolean, string | undefined]> = [
      [
        { step: pagerduty, target: 'pagerduty', count: 1 },
        form.pagePagerDuty,
        unconfigured.pagerduty,
      ],
      [{ step: slack, target: 'slack', count: 2 }, form.createSlackChannel, unconfigured.slack],
      [
        { step: statusPage, target: 'statuspage', count: 1 },
        form.publishStatusPage,
        unconfigured.statusPage,
      ],
    ];
    const followed = targets.flatMap(([followed, requested, missing]) => {
      const { step } = followed;
      if (missing) Object.assign(step, { state: 'skipped', detail: `not sent: ${missing}` });
      else if (!requested) Object.assign(step, { state: 'skipped', detail: 'not requested' });
      else if (followed.target === 'statuspage' && !publicAtOnce(form.severity, false)) {
        Object.assign(step, {
          state: 'skipped',
          detail: `not yet: a ${form.severity} goes on the status page with its first customer update`,
        });
      } else return [followed];
      return [];
    });
    report(steps);
    // The incident exists once it is journaled; the form goes on showing the deliveries as the
    // outbox makes them, however long a rate limit or an outage holds them.
    if (followed.length)
      void follow(
        incident.id,
        followed,
        [delivery, store],
        delivery,
        () => report(steps),
        followMs,
      );
    return incident.id;
  };
}

/**
 * Updates the steps from the outbox's deliveries until they settle or `followMs` passes. They
 * are read from the journal, so they change when this window's outbox delivers and when the
 * journal changes: another window open on the workspace may be the one that delivers.
 */
async function follow(
  id: string,
  followed: Followed[],
  sources: ReadonlyArray<Pick<DeclareDelivery, 'onDidChange'>>,
  delivery: DeclareDelivery,
  report: () => void,
  followMs: number,
): Promise<void> {
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const update = async () => {
    const states = await delivery.deliveries(id);
    const settled = followed.map(({ step, target, count }) =>
      describeStep(
        step,
        states.filter((s) => s.target === target),
        count,
      ),
    );
    report();
    if (settled.every(Boolean)) done();
  };
  const subscriptions = sources.map((source) =>
    source.onDidChange((changed) => {
      if (changed === id) void update();
    }),
  );
  const timer = setTimeout(done, followMs);
  try {
    await update();
    await finished;
  } finally {
    clearTimeout(timer);
    for (const subscription of subscriptions) subscription.dispose();
  }
}

/** Sets a step from its target's first deliveries; true once it will not change on its own. */
function describeStep(step: DeclareStep, states: readonly DeliveryState[], count: number): boolean {
  // The declaration's own deliveries come first in journal order: opening the incident, the
  // channel or the status page incident, then the declaration message.
  const first = states.filter(
    (state) => state.op !== 'slack.invite' && !state.op.startsWith('slack.bookmark'),
  );
  const relevant = first.slice(0, count);
  const failed = relevant.find((state) => state.status === 'failed');
  if (failed) {
    const reason = failed.reason ?? 'failed';
    const credentials = /\b401\b|\b403\b|invalid_auth|not_authed|token/i.test(reason);
    const next = credentials
      ? 'check the token with FreeLMS: Set Credentials, then retry it from the Incidents view'
      : 'retry it from the Incidents view once the cause is fixed';
    Object.assign(step, { state: 'failed', detail: `${reason}; ${next}` });
    return true;
  }
  if (relevant.length && relevant.every((state) => state.status === 'sent')) {
    Object.assign(step, {
      state: 'done',
      detail: relevant.map((state) => state.note ?? state.label).join('; '),
    });
    return true;
  }
  const waiting = relevant.find((state) => state.status !== 'sent');
  Object.assign(step, {
    state: 'pending',
    detail: `${waiting?.reason ?? 'sending'}; it keeps trying in the background, nothing is lost`,
  });
  return false;
}

/**
 * The form as a scriptable command takes it: one argument object with the fields to set; the
 * rest default as the form would fill them. Throws with every field's problem when invalid.
 */
export function formFromArgument(argument: object, me: string): DeclareForm {
  const defaults: Omit<DeclareForm, 'title' | 'severity'> = {
    publicTitle: '',
    description: '',
    affectedServices: [],
    usersImpacted: '',
    dataAtRisk: 'unknown',
    commander: me,
    technicalLead: '',
    communications: '',
    createSlackChannel: true,
    pagePagerDuty: true,
    publishStatusPage: true,
  };
  const { form, errors } = validateDeclareForm({ ...defaults, ...argument });
  if (!form) {
    const problems = Object.entries(errors).map(([field, message]) => `${field}: ${message}`);
    throw new Error(`Cannot declare the incident. ${problems.join(' ')}`);
  }
  return form;
}
