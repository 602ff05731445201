import { fromMarkdown } from 'mdast-util-from-markdown';

/** The sections the authors write; a regenerated postmortem keeps what they wrote there. */
export const AUTHORED_SECTIONS: readonly string[] = [
  'Summary',
  'Root cause',
  'Contributing factors',
];

const PLACEHOLDER = '_To be written by the authors._';

interface Section {
  /** The heading's text, e.g. `Root cause`; empty for what comes before the first heading. */
  heading: string;
  /** The section's Markdown, heading line included. */
  text: string;
}

/** Splits a document at its `##` headings, using a real Markdown parser so code blocks are safe. */
function sections(markdown: string): Section[] {
  const tree = fromMarkdown(markdown);
  const starts: Array<{ offset: number; heading: string }> = [];
  for (const node of tree.children) {
    if (node.type === 'heading' && node.depth === 2 && node.position) {
      const heading = markdown
        .slice(node.position.start.offset, node.position.end.offset)
        .replace(/^##\s*/, '')
        .trim();
      starts.push({ offset: node.position.start.offset!, heading });
    }
  }
  const result: Section[] = [
    { heading: '', text: markdown.slice(0, starts[0]?.offset ?? markdown.length) },
  ];
  starts.forEach((start, index) => {
    result.push({
      heading: start.heading,
      text: markdown.slice(start.offset, starts[index + 1]?.offset ?? markdown.length),
    });
  });
  return result;
}

function body(section: Section): string {
  return section.text.slice(section.text.indexOf('\n') + 1).trim();
}

/**
 * A regenerated postmortem that keeps the authors' work: the generated sections (times,
 * timeline, actions, follow-ups…) are replaced with the journal's current state; the authored
 * sections keep what was written there unless it is still the placeholder; and any section the
 * authors added stays, after the section it followed.
 */
export function mergePostmortem(existing: string, generated: string): string {
  const old = sections(existing);
  const oldByHeading = new Map(old.map((section) => [section.heading, section]));
  const fresh = sections(generated);
  const freshHeadings = new Set(fresh.map((section) => section.heading));

  // Sections only the authors have, keyed by the generated heading they follow.
  const added = new Map<string, Section[]>();
  let previous = '';
  for (const section of old) {
    if (freshHeadings.has(section.heading)) previous = section.heading;
    else added.set(previous, [...(added.get(previous) ?? []), section]);
  }

  const out: string[] = [];
  for (const section of fresh) {
    const written = oldByHeading.get(section.heading);
    const keep =
      written &&
      AUTHORED_SECTIONS.includes(section.heading) &&
      body(written) !== '' &&
      body(written) !== PLACEHOLDER;
    out.push(ensureTrailingBlank(keep ? written.text : section.text));
    for (const extra of added.get(section.heading) ?? []) out.push(ensureTrailingBlank(extra.text));
  }
  return `${out.join('').trimEnd()}\n`;
}

function ensureTrailingBlank(text: string): string {
  return text.endsWith('\n\n') ? text : `${text.trimEnd()}\n\n`;
}
