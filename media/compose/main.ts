/**
 * The update composer's page: pick a template, edit it, see it as Slack will show it, post it.
 * What was typed survives a reload (webview state).
 */
import {
  previewSegments,
  type FromComposer,
  type Segment,
  type TemplateId,
  type TemplateOffer,
  type ToComposer,
} from '../../src/ui/compose/protocol';

interface WebviewApi<State> {
  postMessage(message: FromComposer): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): WebviewApi<State>;

interface PageState {
  template?: TemplateId;
  text?: string;
}

const vscode = acquireVsCodeApi<PageState>();
const state: PageState = vscode.getState() ?? {};
let offers: TemplateOffer[] = [];

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const text = $<HTMLTextAreaElement>('text');
const send = $<HTMLButtonElement>('send');

const TAGS: Readonly<Record<NonNullable<Segment['style']>, string>> = {
  bold: 'strong',
  italic: 'em',
  code: 'code',
  strike: 's',
};

function renderPreview(): void {
  const preview = $('preview');
  preview.replaceChildren();
  text.value.split('\n').forEach((line, index) => {
    if (index > 0) preview.append(document.createElement('br'));
    for (const segment of previewSegments(line)) {
      const tag = segment.style ? TAGS[segment.style] : 'span';
      const node = document.createElement(tag);
      node.textContent = segment.text;
      preview.append(node);
    }
  });
}

function choose(id: TemplateId, keepText: boolean): void {
  state.template = id;
  const offer = offers.find((candidate) => candidate.id === id);
  $('template-hint').textContent = offer?.hint ?? '';
  if (!keepText && offer) text.value = offer.text;
  state.text = text.value;
  vscode.setState(state);
  renderPreview();
}

function renderTemplates(): void {
  const fieldset = $('templates');
  for (const label of [...fieldset.querySelectorAll('label')]) label.remove();
  for (const offer of offers) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'template';
    radio.value = offer.id;
    radio.checked = offer.id === state.template;
    radio.addEventListener('change', () => choose(offer.id, false));
    label.append(radio, document.createTextNode(offer.label));
    fieldset.append(label);
  }
}

text.addEventListener('input', () => {
  state.text = text.value;
  vscode.setState(state);
  $('text-error').textContent = '';
  renderPreview();
});

send.addEventListener('click', () => {
  if (!text.value.trim()) {
    $('text-error').textContent = 'Write the update first.';
    text.focus();
    return;
  }
  send.disabled = true;
  $('outcome').textContent = 'Posting…';
  vscode.postMessage({ type: 'send', template: state.template ?? 'internal', text: text.value });
});

window.addEventListener('message', (event: MessageEvent<ToComposer>) => {
  const message = event.data;
  if (message.type === 'init') {
    offers = message.templates;
    $('incident').textContent = `${message.incidentId}: ${message.title}`;
    const restored = state.text !== undefined;
    if (restored) text.value = state.text ?? '';
    choose(state.template ?? 'customer', restored);
    renderTemplates();
    $('slack-hint').textContent = message.slack
      ? ''
      : `Kept on the timeline; not sent to Slack now: ${message.slackReason ?? 'Slack is not configured'}.`;
  } else if (message.type === 'sent') {
    $('outcome').textContent = `${message.timelineEntry}. It goes to Slack from the outbox.`;
    send.disabled = false;
  } else {
    $('outcome').textContent = `Not posted: ${message.message}`;
    send.disabled = false;
  }
});

text.focus();
vscode.postMessage({ type: 'ready' });
