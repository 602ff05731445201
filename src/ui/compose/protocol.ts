/**
 * Messages between the update composer (webview) and the extension, declared once for both.
 */
import * as v from 'valibot';

export const TEMPLATES = ['internal', 'customer'] as const;
export type TemplateId = (typeof TEMPLATES)[number];

/** One template as the composer offers it, already filled from the incident. */
export interface TemplateOffer {
  id: TemplateId;
  label: string;
  /** Where it goes and who reads it. */
  hint: string;
  text: string;
}

/** Extension → composer. */
export type ToComposer =
  | {
      type: 'init';
      incidentId: string;
      title: string;
      templates: TemplateOffer[];
      slack: boolean;
      slackReason?: string;
    }
  | { type: 'sent'; timelineEntry: string }
  | { type: 'failed'; message: string };

/** Composer → extension. */
export const FromComposerSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({
    type: v.literal('send'),
    template: v.picklist(TEMPLATES),
    text: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'Write the update first.'),
      v.maxLength(3000),
    ),
  }),
]);
export type FromComposer = v.InferInput<typeof FromComposerSchema>;

/**
 * A preview of Slack's mrkdwn as segments the page turns into DOM nodes: `*bold*`, `_italic_`,
 * `` `code` `` and `~strike~`, the subset Slack renders in messages, with Slack's `<…>` links
 * shown as Slack shows them (`<#C…|name>` as `#name`). Never HTML.
 */
export type Segment = { text: string; style?: 'bold' | 'italic' | 'code' | 'strike' };

const MARKS: ReadonlyArray<[RegExp, Segment['style']]> = [
  [/`([^`\n]+)`/, 'code'],
  [/\*([^*\n]+)\*/, 'bold'],
  [/(?<![A-Za-z0-9])_([^_\n]+)_(?![A-Za-z0-9])/, 'italic'],
  [/~([^~\n]+)~/, 'strike'],
];

export function previewSegments(line: string): Segment[] {
  return markedSegments(line.replace(/<([^<>\n]+)>/g, (_, inner: string) => linkText(inner)));
}

/** What Slack displays for `<#C…|name>`, `<@U…>`, `<!here>`, `<https://…|label>`. */
function linkText(inner: string): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('#')) return `#${label ?? 'channel'}`;
  if (target.startsWith('@')) return `@${label ?? 'someone'}`;
  if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
  return label ?? target;
}

function markedSegments(line: string): Segment[] {
  let best: { index: number; length: number; inner: string; style: Segment['style'] } | undefined;
  for (const [pattern, style] of MARKS) {
    const match = pattern.exec(line);
    if (match && (!best || match.index < best.index)) {
      best = { index: match.index, length: match[0].length, inner: match[1]!, style };
    }
  }
  if (!best) return line ? [{ text: unescapeSlack(line) }] : [];
  const before = line.slice(0, best.index);
  return [
    ...(before ? [{ text: unescapeSlack(before) }] : []),
    { text: unescapeSlack(best.inner), style: best.style },
    ...markedSegments(line.slice(best.index + best.length)),
  ];
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
