/**
 * The Declare Incident form's page. It renders what the extension offers, validates with the
 * same schema the extension uses, keeps every keystroke in the webview state so a reload or a
 * hidden tab loses nothing, and shows each delivery step's result after submitting.
 */
import {
  validateDeclareForm,
  type DeclareForm,
  type DeclareStep,
  type FromForm,
  type SeverityOption,
  type ToForm,
} from '../../src/ui/declare/protocol';

interface WebviewApi<State> {
  postMessage(message: FromForm): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): WebviewApi<State>;

/** What the page remembers across reloads: the form as typed, and the outcome once submitted. */
interface PageState {
  form: Partial<DeclareForm>;
  steps?: DeclareStep[];
  outcome?: string;
  /** Set when submitted, cleared when the declaration failed: the form has done its job. */
  submitted?: boolean;
  /** The incident this form declared. */
  declaredIncidentId?: string;
}

const vscode = acquireVsCodeApi<PageState>();
const state: PageState = vscode.getState() ?? { form: {} };

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('declare');
const textFields = [
  'title',
  'publicTitle',
  'description',
  'usersImpacted',
  'commander',
  'technicalLead',
  'communications',
] as const;
const serviceInput = $<HTMLInputElement>('service-input');

function save(): void {
  vscode.setState(state);
}

function readForm(): DeclareForm {
  const value = (id: string) => $<HTMLInputElement>(id).value;
  const checked = form.querySelector<HTMLInputElement>('input[name="severity"]:checked');
  return {
    title: value('title'),
    publicTitle: value('publicTitle'),
    severity: (checked?.value ?? '') as DeclareForm['severity'],
    description: value('description'),
    affectedServices: state.form.affectedServices ?? [],
    usersImpacted: value('usersImpacted'),
    dataAtRisk: $<HTMLSelectElement>('dataAtRisk').value as DeclareForm['dataAtRisk'],
    commander: value('commander'),
    technicalLead: value('technicalLead'),
    communications: value('communications'),
    createSlackChannel: $<HTMLInputElement>('createSlackChannel').checked,
    pagePagerDuty: $<HTMLInputElement>('pagePagerDuty').checked,
    publishStatusPage: $<HTMLInputElement>('publishStatusPage').checked,
  };
}

function showErrors(errors: Record<string, string>): void {
  for (const element of form.querySelectorAll<HTMLElement>('.error')) {
    const field = element.id.replace(/-error$/, '');
    element.textContent = errors[field] ?? '';
    const input =
      field === 'severity'
        ? $('severity-field')
        : field === 'affectedServices'
          ? serviceInput
          : $(field);
    input?.setAttribute('aria-invalid', String(Boolean(errors[field])));
  }
}

function renderSeverities(options: SeverityOption[]): void {
  const container = $('severities');
  container.replaceChildren();
  for (const option of options) {
    const label = document.createElement('label');
    label.className = 'severity';
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'severity';
    radio.value = option.id;
    radio.checked = state.form.severity === option.id;
    const text = document.createElement('span');
    const strong = document.createElement('strong');
    strong.textContent = `${option.id} · ${option.label}`;
    const target = document.createElement('span');
    target.className = 'target';
    target.textContent = option.target;
    text.append(strong, target);
    label.append(radio, text);
    container.append(label);
  }
}

function renderServices(): void {
  const chips = $('services');
  chips.replaceChildren();
  for (const service of state.form.affectedServices ?? []) {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = service;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `Remove ${service}`);
    remove.addEventListener('click', () => {
      state.form.affectedServices = (state.form.affectedServices ?? []).filter(
        (name) => name !== service,
      );
      renderServices();
      save();
    });
    chip.append(remove);
    chips.append(chip);
  }
}

function addService(name: string): void {
  const service = name.trim();
  const services = state.form.affectedServices ?? [];
  if (service && !services.includes(service)) state.form.affectedServices = [...services, service];
  serviceInput.value = '';
  renderServices();
  save();
}

function renderProgress(): void {
  const section = $('progress');
  section.hidden = !state.steps;
  const list = $('steps');
  list.replaceChildren();
  for (const step of state.steps ?? []) {
    const item = document.createElement('li');
    item.dataset['state'] = step.state;
    item.textContent = step.name;
    if (step.detail) {
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = step.detail;
      item.append(detail);
    }
    list.append(item);
  }
  $('outcome').textContent = state.outcome ?? '';
}

/**
 * A form that was submitted stays as it was sent, for reading, and cannot be sent again: after a
 * reload its Declare button would otherwise declare the same incident a second time.
 */
function lockForm(): void {
  for (const element of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
    'input, select, textarea, button',
  ))
    element.disabled = element.id !== 'cancel';
  $('cancel').textContent = 'Close';
}

function restoreFields(): void {
  for (const id of textFields) {
    const saved = state.form[id];
    if (typeof saved === 'string') $<HTMLInputElement>(id).value = saved;
  }
  if (state.form.dataAtRisk) $<HTMLSelectElement>('dataAtRisk').value = state.form.dataAtRisk;
  renderServices();
  if (state.submitted && !state.declaredIncidentId) {
    // The window reloaded while the declaration was under way: it may well have been written.
    state.outcome =
      'Submitted before the window reloaded: look for the incident in the Incidents view ' +
      'before declaring it again.';
  }
  renderProgress();
  if (state.submitted) lockForm();
}

form.addEventListener('input', (event) => {
  const target = event.target as HTMLInputElement;
  if (target === serviceInput) return;
  const current = readForm();
  state.form = { ...current, affectedServices: state.form.affectedServices ?? [] };
  if (target.type !== 'checkbox') showErrors({});
  save();
});

serviceInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    addService(serviceInput.value);
  }
});
serviceInput.addEventListener('change', () => {
  // Picking from the list fires `change` with a value that is one of the Deployments.
  const options = [...$('service-options').querySelectorAll('option')].map(
    (option) => option.value,
  );
  if (options.includes(serviceInput.value)) addService(serviceInput.value);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (serviceInput.value.trim()) addService(serviceInput.value);
  const { form: valid, errors } = validateDeclareForm(readForm());
  showErrors(errors);
  if (!valid) {
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return;
  }
  $<HTMLButtonElement>('submit').disabled = true;
  state.steps = [];
  state.outcome = '';
  state.submitted = true;
  renderProgress();
  save();
  vscode.postMessage({ type: 'submit', form: valid });
});

$('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));

window.addEventListener('message', (event: MessageEvent<ToForm>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      renderSeverities(message.severities);
      const options = $('service-options');
      options.replaceChildren(
        ...message.services.map((service) =>
          Object.assign(document.createElement('option'), { value: service }),
        ),
      );
      if (!state.form.commander)
        $<HTMLInputElement>('commander').value = message.defaults.commander;
      const slack = $<HTMLInputElement>('createSlackChannel');
      const pagerduty = $<HTMLInputElement>('pagePagerDuty');
      const statusPage = $<HTMLInputElement>('publishStatusPage');
      slack.disabled = !message.integrations.slack;
      pagerduty.disabled = !message.integrations.pagerduty;
      statusPage.disabled = !message.integrations.statusPage;
      slack.checked = message.integrations.slack && (state.form.createSlackChannel ?? true);
      pagerduty.checked = message.integrations.pagerduty && (state.form.pagePagerDuty ?? true);
      statusPage.checked =
        message.integrations.statusPage && (state.form.publishStatusPage ?? true);
      const missing = [
        message.integrations.slack ? '' : 'Slack',
        message.integrations.pagerduty ? '' : 'PagerDuty',
        message.integrations.statusPage ? '' : 'the status page',
      ].filter(Boolean);
      const list = new Intl.ListFormat('en', { type: 'conjunction' }).format(missing);
      $('integrations-hint').textContent = missing.length
        ? `${list.charAt(0).toUpperCase()}${list.slice(1)} not configured: the incident is kept locally and says what was not sent.`
        : '';
      if (state.submitted) lockForm();
      break;
    }
    case 'progress':
      state.steps = message.steps;
      renderProgress();
      $('progress').scrollIntoView({ block: 'nearest' });
      save();
      break;
    case 'declared':
      state.outcome = `Incident ${message.incidentId} declared.`;
      state.declaredIncidentId = message.incidentId;
      lockForm();
      renderProgress();
      save();
      break;
    case 'failed':
      state.outcome = `Not declared: ${message.message}`;
      state.submitted = false;
      $<HTMLButtonElement>('submit').disabled = false;
      renderProgress();
      save();
      break;
  }
});

restoreFields();
$<HTMLInputElement>('title').focus();
vscode.postMessage({ type: 'ready', submitted: state.submitted === true });
