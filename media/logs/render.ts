/** Building the DOM of visible log rows. */
import type { LogNotice, LogRow } from '../../src/ui/logs/protocol';
import { parseAnsi } from './ansi';

/** A row of the list: a log entry, or a notice the panel wrote between entries. */
export type Item = { row: LogRow; notice?: undefined } | { row?: undefined; notice: LogNotice };

/** The same pod always gets the same of six theme colours. */
export function podClass(pod: string): string {
  let hash = 0;
  for (let i = 0; i < pod.length; i++) hash = (hash * 31 + pod.charCodeAt(i)) | 0;
  return `chip pod-${Math.abs(hash) % 6}`;
}

function appendAnsi(parent: HTMLElement, text: string): void {
  for (const segment of parseAnsi(text)) {
    const classes: string[] = [];
    if (segment.fg !== undefined) classes.push(`fg-${segment.fg}`);
    if (segment.bg !== undefined) classes.push(`bg-${segment.bg}`);
    for (const flag of ['bold', 'dim', 'italic', 'underline'] as const) {
      if (segment[flag]) classes.push(flag);
    }
    if (classes.length === 0) {
      parent.append(segment.text);
    } else {
      const span = document.createElement('span');
      span.className = classes.join(' ');
      span.textContent = segment.text;
      parent.append(span);
    }
  }
}

/**
 * One row of the list, positioned absolutely at its line offset. Log text goes in through
 * `textContent` and text nodes only, so nothing a container writes can become markup.
 */
export function renderItem(
  item: Item,
  top: number,
  height: number,
  view: { lineHeight: number; timestamps: boolean },
): HTMLElement {
  const element = document.createElement('div');
  element.style.top = `${top * view.lineHeight}px`;
  element.style.height = `${height * view.lineHeight}px`;
  if (item.notice) {
    element.className = `row notice ${item.notice.severity}`;
    element.textContent = `— ${item.notice.message}${item.notice.hint ? ` ${item.notice.hint}` : ''}`;
    return element;
  }
  const row = item.row;
  element.className = `row${row.level ? ` level-${row.level}` : ''}`;
  element.dataset['seq'] = String(row.seq);
  const first = document.createElement('div');
  first.className = 'first';
  if (view.timestamps && row.timestamp) {
    const ts = document.createElement('span');
    ts.className = 'ts';
    ts.textContent = `${row.timestamp} `;
    first.append(ts);
  }
  if (row.pod) {
    const chip = document.createElement('span');
    chip.className = podClass(row.pod);
    chip.textContent = row.pod;
    chip.title = row.pod;
    first.append(chip, ' ');
  }
  appendAnsi(first, row.text);
  element.append(first);
  for (const line of row.continuation) {
    const cont = document.createElement('div');
    cont.className = 'cont';
    appendAnsi(cont, line);
    element.append(cont);
  }
  return element;
}
