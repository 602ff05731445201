/**
 * The log panel's page. It holds the rows the extension sent (already filtered, already
 * bounded) and renders only those in view: row heights are whole lines computed from the
 * monospace font (see layout.ts), so scrolling through a million rows builds a few dozen DOM
 * nodes. Every piece of log text is written with `textContent`; ANSI colours become classes.
 * Target, options, filter and view choices live in the webview state, so a reload restores them.
 */
import * as v from 'valibot';

import {
  StreamOptionsSchema,
  type FilterSpec,
  type FromLogPage,
  type LogNotice,
  type LogPageState,
  type LogRow,
  type StreamOptions,
  type ToLogPage,
} from '../../src/ui/logs/protocol';
import { visibleText } from './ansi';
import { expandedLength, RowLayout, wrappedLines } from './layout';
import { renderItem, type Item } from './render';

interface WebviewApi<State> {
  postMessage(message: FromLogPage): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): WebviewApi<State>;

const vscode = acquireVsCodeApi<LogPageState>();
let state: LogPageState | undefined = vscode.getState();

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const viewport = $('viewport');
const spacer = $('spacer');
const rowsHost = $('rows');
const statusText = $('status');

let items: Item[] = [];
let itemLines = 0;
let noticeCount = 0;
let lineBudget = 50_000;
let workload = false;
let streamState = 'connecting';
let detail = '';
const layout = new RowLayout();
let lineHeight = 18;
let charWidth = 8;
let columns = 120;
let stickToBottom = true;

function save(): void {
  if (state) vscode.setState(state);
}

function linesOf(item: Item): number {
  return item.row ? 1 + item.row.continuation.length : 1;
}

/** Visible lengths of an item's lines, computed once: ANSI parsing a million rows is slow. */
const lengths = new WeakMap<Item, number[]>();

function lengthsOf(item: Item): number[] {
  let known = lengths.get(item);
  if (!known) {
    known = item.row
      ? [item.row.text, ...item.row.continuation].map((line) =>
          expandedLength(line.includes('\u001b') ? visibleText(line) : line),
        )
      : [`— ${item.notice.message} ${item.notice.hint ?? ''}`.length];
    lengths.set(item, known);
  }
  return known;
}

function heightOf(item: Item): number {
  if (!state?.view.wrap) return linesOf(item);
  const [first = 0, ...rest] = lengthsOf(item);
  let prefix = item.row?.pod ? item.row.pod.length + 1 : 0;
  if (state.view.timestamps && item.row?.timestamp) prefix += item.row.timestamp.length + 1;
  let height = wrappedLines(first + prefix, columns);
  for (const length of rest) height += wrappedLines(length, columns);
  return height;
}

function measure(): void {
  const probe = $('measure');
  const rect = probe.getBoundingClientRect();
  charWidth = rect.width / 10 || 8;
  lineHeight = Math.max(14, Math.round(rect.height) || 18);
  document.documentElement.style.setProperty('--line', `${lineHeight}px`);
  // 16 px of row padding; a scrollbar's width is left free as well.
  columns = Math.max(10, Math.floor((viewport.clientWidth - 16 - 14) / charWidth));
}

function relayout(): void {
  layout.reset(items.map(heightOf));
  render();
}

let frame = 0;
function render(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    spacer.style.height = `${layout.height * lineHeight}px`;
    if (stickToBottom) viewport.scrollTop = viewport.scrollHeight;
    const topLine = viewport.scrollTop / lineHeight;
    const { start, end } = layout.visible(topLine, viewport.clientHeight / lineHeight);
    const view = { lineHeight, timestamps: state?.view.timestamps ?? false };
    const nodes: HTMLElement[] = [];
    for (let i = start; i < end; i++)
      nodes.push(renderItem(items[i]!, layout.top(i), layout.heightOf(i), view));
    rowsHost.replaceChildren(...nodes);
    showStatus();
  });
}

function showStatus(): void {
  const count = items.length - noticeCount;
  const where = detail ? ` · ${detail}` : '';
  statusText.textContent = `${streamState}${where} · ${count.toLocaleString('en')} entries shown`;
}

/** Drops the oldest rows while the page holds more lines than the budget. */
function trim(): void {
  let drop = 0;
  while (itemLines > lineBudget && drop < items.length - 1) {
    const item = items[drop++]!;
    itemLines -= linesOf(item);
    if (item.notice) noticeCount--;
  }
  if (drop > 0) {
    items = items.slice(drop);
    layout.dropFront(drop);
  }
}

function add(newItems: Item[]): void {
  for (const item of newItems) {
    itemLines += linesOf(item);
    if (item.notice) noticeCount++;
    items.push(item);
  }
  layout.append(newItems.map(heightOf));
  trim();
  render();
}

function reset(rows: LogRow[]): void {
  items = rows.map((row) => ({ row }));
  noticeCount = 0;
  itemLines = items.reduce((sum, item) => sum + linesOf(item), 0);
  trim();
  stickToBottom = true;
  relayout();
}

// --- toolbar -------------------------------------------------------------------------------

const follow = $<HTMLInputElement>('follow');
const since = $<HTMLSelectElement>('since');
const sinceMinutes = $<HTMLInputElement>('since-minutes');
const tail = $<HTMLInputElement>('tail');
const previous = $<HTMLInputElement>('previous');
const container = $<HTMLSelectElement>('container');
const include = $<HTMLInputElement>('include');
const exclude = $<HTMLInputElement>('exclude');
const levelBoxes = [...document.querySelectorAll<HTMLInputElement>('input[name="level"]')];

function showOptions(options: StreamOptions): void {
  follow.checked = options.follow;
  previous.checked = options.previous;
  tail.value = options.tailLines === undefined ? '' : String(options.tailLines);
  const preset = [...since.options].some((o) => o.value === String(options.sinceSeconds));
  since.value =
    options.sinceSeconds === undefined ? 'all' : preset ? String(options.sinceSeconds) : 'custom';
  sinceMinutes.hidden = since.value !== 'custom';
  if (since.value === 'custom')
    sinceMinutes.value = String(Math.round((options.sinceSeconds ?? 60) / 60));
  container.value = options.container ?? '';
}

function showFilter(filter: FilterSpec): void {
  for (const box of levelBoxes) box.checked = filter.levels.includes(box.value as 'ERROR');
  include.value = filter.include;
  exclude.value = filter.exclude;
}

function readOptions(): StreamOptions | undefined {
  const sinceSeconds =
    since.value === 'all'
      ? undefined
      : since.value === 'custom'
        ? Math.round(Number(sinceMinutes.value) * 60) || undefined
        : Number(since.value);
  const candidate = {
    follow: follow.checked,
    previous: previous.checked,
    sinceSeconds,
    tailLines: tail.value.trim() === '' ? undefined : Number(tail.value),
    container: container.value || undefined,
  };
  const parsed = v.safeParse(StreamOptionsSchema, candidate);
  tail.setAttribute('aria-invalid', String(!parsed.success && tail.value !== ''));
  return parsed.success ? parsed.output : undefined;
}

function readFilter(): FilterSpec {
  return {
    levels: levelBoxes
      .filter((box) => box.checked)
      .map((box) => box.value as FilterSpec['levels'][number]),
    include: include.value,
    exclude: exclude.value,
  };
}

function optionsChanged(): void {
  sinceMinutes.hidden = since.value !== 'custom';
  const options = readOptions();
  if (!options || !state) return;
  state.options = options;
  save();
  vscode.postMessage({ type: 'setOptions', options });
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
function filterChanged(delay: number): void {
  clearTimeout(filterTimer);
  // Kept at once, as typed (even a regex still invalid), so hiding the tab loses nothing.
  if (state) {
    state.filter = readFilter();
    save();
  }
  filterTimer = setTimeout(() => {
    vscode.postMessage({ type: 'setFilter', filter: readFilter() });
  }, delay);
}

for (const input of [follow, previous, since, container])
  input.addEventListener('change', optionsChanged);
for (const input of [tail, sinceMinutes]) input.addEventListener('change', optionsChanged);
for (const box of levelBoxes) box.addEventListener('change', () => filterChanged(0));
for (const input of [include, exclude]) input.addEventListener('input', () => filterChanged(250));

for (const id of ['timestamps', 'wrap'] as const) {
  $<HTMLInputElement>(id).addEventListener('change', (event) => {
    if (!state) return;
    state.view[id] = (event.target as HTMLInputElement).checked;
    document.body.classList.toggle('wrap', state.view.wrap);
    save();
    measure();
    relayout();
  });
}

$('copy').addEventListener('click', () => {
  const selection = window.getSelection()?.toString() ?? '';
  vscode.postMessage({ type: 'copy', selection: selection || undefined });
});
$('save').addEventListener('click', () => {
  const filter = readFilter();
  vscode.postMessage({
    type: 'save',
    filtered: Boolean(filter.levels.length || filter.include || filter.exclude),
  });
});
$('clear').addEventListener('click', () => vscode.postMessage({ type: 'clear' }));

viewport.addEventListener('scroll', () => {
  stickToBottom =
    viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - lineHeight * 2;
  render();
});
new ResizeObserver(() => {
  const before = columns;
  measure();
  if (state?.view.wrap && columns !== before) relayout();
  else render();
}).observe(viewport);

function showNotice(notice: LogNotice): void {
  add([{ notice }]);
  const banner = $('banner');
  if (notice.severity !== 'error') return;
  banner.replaceChildren(notice.message);
  if (notice.hint) {
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = notice.hint;
    banner.append(hint);
  }
  banner.hidden = false;
}

window.addEventListener('message', (event: MessageEvent<ToLogPage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      lineBudget = message.lineBudget;
      workload = message.target.kind === 'workload';
      document.title = message.title;
      const view = state?.view ?? { wrap: false, timestamps: workload };
      // The page's own filter, when it shows the same target, is what the user last typed: the
      // extension only holds the last one that compiled.
      const typed =
        state && JSON.stringify(state.target) === JSON.stringify(message.target)
          ? state.filter
          : undefined;
      const filter = typed ?? message.filter;
      state = { target: message.target, options: message.options, filter, view };
      save();
      if (JSON.stringify(filter) !== JSON.stringify(message.filter))
        vscode.postMessage({ type: 'setFilter', filter });
      $<HTMLInputElement>('timestamps').checked = view.timestamps;
      $<HTMLInputElement>('wrap').checked = view.wrap;
      document.body.classList.toggle('wrap', view.wrap);
      container.replaceChildren(
        Object.assign(document.createElement('option'), {
          value: '',
          textContent: message.defaultContainer
            ? `default (${message.defaultContainer})`
            : 'default',
        }),
        ...message.containers.map((c) =>
          Object.assign(document.createElement('option'), {
            value: c.name,
            textContent: c.init ? `${c.name} (init)` : c.name,
          }),
        ),
      );
      if (
        message.options.container &&
        !message.containers.some((c) => c.name === message.options.container)
      ) {
        container.append(
          Object.assign(document.createElement('option'), {
            value: message.options.container,
            textContent: message.options.container,
          }),
        );
      }
      showOptions(message.options);
      showFilter(filter);
      measure();
      relayout();
      break;
    }
    case 'reset':
      $('dropped').hidden = true;
      reset(message.rows);
      vscode.postMessage({ type: 'rendered', rows: items.length - noticeCount });
      break;
    case 'append':
      add(message.rows.map((row) => ({ row })));
      vscode.postMessage({ type: 'rendered', rows: items.length - noticeCount });
      break;
    case 'notice':
      showNotice(message.notice);
      break;
    case 'state':
      // A new stream starts: the last one's error no longer applies.
      if (message.state === 'connecting') $('banner').hidden = true;
      streamState = message.state;
      detail = message.state === 'streaming' ? '' : (message.detail ?? '');
      showStatus();
      break;
    case 'dropped': {
      const dropped = $('dropped');
      dropped.hidden = message.lines === 0;
      dropped.textContent =
        `${message.lines.toLocaleString('en')} older lines dropped to stay within the ` +
        `panel's budget of ${lineBudget.toLocaleString('en')} lines.`;
      break;
    }
    case 'filterError':
      for (const field of ['include', 'exclude'] as const) {
        const text = message.field === field ? (message.message ?? '') : '';
        $(`${field}-error`).textContent = text;
        $(field).setAttribute('aria-invalid', String(Boolean(text)));
      }
      break;
  }
});

if (state) {
  showOptions(state.options);
  showFilter(state.filter);
}
measure();
vscode.postMessage({ type: 'ready' });
