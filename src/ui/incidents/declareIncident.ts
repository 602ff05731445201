import type { NewEvent, Role } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import type { DeclareHandler } from '../declare/declarePanel';
import { validateDeclareForm, type DeclareForm, type DeclareStep } from '../declare/protocol';

/** Where declaring sends the incident besides the journal, and whether each place is reachable. */
export interface DeclareTargets {
  /** Why PagerDuty will not be paged, or undefined when it will be. */
  pagerdutyUnavailable(): Promise<string | undefined>;
  slackUnavailable(): Promise<string | undefined>;
}

const ROLE_FIELDS: ReadonlyArray<[Role, keyof DeclareForm]> = [
  ['commander', 'commander'],
  ['technicalLead', 'technicalLead'],
  ['communications', 'communications'],
];

/**
 * Declares from the form: the incident and its roles are written to the journal first, and only
 * then is anything sent elsewhere, so a crash or an unreachable service loses nothing typed.
 */
export function declareFromForm(
  store: IncidentStore,
  targets: DeclareTargets,
  me: () => string,
  onDeclared: (id: string) => void,
): DeclareHandler {
  return async (form, report) => {
    const journal: DeclareStep = { name: 'Write the incident to its journal', state: 'pending' };
    const pagerduty: DeclareStep = { name: 'Page PagerDuty', state: 'pending' };
    const slack: DeclareStep = {
      name: 'Create the Slack channel and post the declaration',
      state: 'pending',
    };
    const steps = [journal, pagerduty, slack];
    report(steps);

    const incident = await store.declare({
      title: form.title,
      severity: form.severity,
      description: form.description || undefined,
      services: form.affectedServices,
      usersImpacted: form.usersImpacted || undefined,
      dataAtRisk: form.dataAtRisk,
      by: me(),
    });
    const roles: NewEvent[] = [];
    for (const [role, field] of ROLE_FIELDS) {
      const name = String(form[field]).trim();
      if (name) roles.push({ type: 'role.assigned', role, name, by: me() });
    }
    if (roles.length) await store.append(incident.id, roles);
    Object.assign(journal, { state: 'done', detail: store.journalPath(incident.id) });
    onDeclared(incident.id);
    report(steps);

    await settle(pagerduty, form.pagePagerDuty, 'not requested', targets.pagerdutyUnavailable);
    await settle(slack, form.createSlackChannel, 'not requested', targets.slackUnavailable);
    report(steps);
    return incident.id;
  };
}

async function settle(
  step: DeclareStep,
  requested: boolean,
  notRequested: string,
  unavailable: () => Promise<string | undefined>,
): Promise<void> {
  // An unconfigured service is named as such even when its box was off (the form disables it),
  // so the responder knows what to set up rather than thinking they chose it.
  const reason = await unavailable();
  if (reason) {
    Object.assign(step, { state: 'skipped', detail: reason });
  } else if (!requested) {
    Object.assign(step, { state: 'skipped', detail: notRequested });
  } else {
    // Delivery through the outbox is not wired into the form yet: nothing is sent, and the
    // form says so rather than pretending.
    Object.assign(step, {
      state: 'skipped',
      detail: 'not sent: delivery to this service is not built yet',
    });
  }
}

/**
 * The form as a scriptable command takes it: one argument object with the fields to set; the
 * rest default as the form would fill them. Throws with every field's problem when invalid.
 */
export function formFromArgument(argument: object, me: string): DeclareForm {
  const defaults: Omit<DeclareForm, 'title' | 'severity'> = {
    description: '',
    affectedServices: [],
    usersImpacted: '',
    dataAtRisk: 'unknown',
    commander: me,
    technicalLead: '',
    communications: '',
    createSlackChannel: true,
    pagePagerDuty: true,
  };
  const { form, errors } = validateDeclareForm({ ...defaults, ...argument });
  if (!form) {
    const problems = Object.entries(errors).map(([field, message]) => `${field}: ${message}`);
    throw new Error(`Cannot declare the incident. ${problems.join(' ')}`);
  }
  return form;
}
