import type { Code, List, ListItem, Nodes, Paragraph, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

import { repairMojibake } from './mojibake';

/** One command of a runbook code block, with the comment lines above it. */
export interface RunbookCommand {
  comment?: string;
  /** Absent for comment-only groups such as `# ALWAYS test in staging first!`. */
  command?: string;
}

export interface RunbookStep {
  title: string;
  /** Bullet points under the step (the triage questions, the dashboard links). */
  details: string[];
  commands: RunbookCommand[];
  /** Sub-steps: one per commented command of the step's code block. */
  steps: RunbookStep[];
}

export interface RunbookPhase {
  /** The heading as written, e.g. `Phase 1: Detection & Alert (0-5 min)`. */
  heading: string;
  /** The heading without its `Phase n:` prefix and time box: `Detection & Alert`. */
  title: string;
  steps: RunbookStep[];
}

export interface RunbookTemplate {
  title: string;
  text: string;
}

export interface Runbook {
  title?: string;
  phases: RunbookPhase[];
  /** Code blocks under the "Communication Templates" section, emoji repaired. */
  templates: RunbookTemplate[];
}

/**
 * Reads a runbook Markdown file: phases from its `Phase n` headings (or, when it has none,
 * from every heading with numbered steps under it), steps from numbered lists, task lists and
 * `**Option …**` paragraphs followed by a code block, commands from the code blocks.
 * Double-encoded emoji are repaired before parsing.
 */
export function parseRunbook(markdown: string): Runbook {
  const tree = fromMarkdown(repairMojibake(markdown.replace(/^\uFEFF/, '')));
  const sections = splitByHeadings(tree);
  const title = sections.find((s) => s.depth === 1)?.heading;

  let phaseSections = sections.filter((s) => /^phase\s+\d+/i.test(s.heading));
  if (phaseSections.length === 0) {
    phaseSections = sections.filter((s) => s.body.some((n) => n.type === 'list' && n.ordered));
  }
  const phases = phaseSections
    .map((s) => ({ heading: s.heading, title: phaseTitle(s.heading), steps: stepsOf(s.body) }))
    .filter((p) => p.steps.length > 0);

  const templates: RunbookTemplate[] = [];
  const templateStart = sections.findIndex((s) => /communication templates/i.test(s.heading));
  if (templateStart >= 0) {
    const parent = sections[templateStart]!;
    for (const section of sections.slice(templateStart + 1)) {
      if (section.depth <= parent.depth) break;
      const code = section.body.find((n): n is Code => n.type === 'code');
      if (code) templates.push({ title: section.heading, text: code.value });
    }
  }
  return { title, phases, templates };
}

interface Section {
  depth: number;
  heading: string;
  body: RootContent[];
}

function splitByHeadings(tree: Root): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      current = { depth: node.depth, heading: textOf(node).trim(), body: [] };
      sections.push(current);
    } else {
      current?.body.push(node);
    }
  }
  return sections;
}

function phaseTitle(heading: string): string {
  return heading
    .replace(/^phase\s+\d+\s*[:.–—-]?\s*/i, '')
    .replace(/\s*\([^)]*\)\s*$/, '')
    .trim();
}

function stepsOf(body: RootContent[]): RunbookStep[] {
  const steps: RunbookStep[] = [];
  body.forEach((node, index) => {
    if (node.type === 'list') {
      steps.push(...node.children.map(stepOfItem));
    } else if (node.type === 'paragraph' && body[index + 1]?.type === 'code') {
      const code = body[index + 1] as Code;
      steps.push({
        title: cleanTitle(textOf(node)),
        details: [],
        commands: commandsOf(code.value),
        steps: [],
      });
    } else if (node.type === 'code' && body[index - 1]?.type !== 'paragraph') {
      const last = steps.at(-1);
      if (last) last.commands.push(...commandsOf(node.value));
    }
  });
  return steps;
}

function stepOfItem(item: ListItem): RunbookStep {
  const paragraph = item.children.find((n): n is Paragraph => n.type === 'paragraph');
  const step: RunbookStep = {
    title: cleanTitle(paragraph ? textOf(paragraph) : ''),
    details: [],
    commands: [],
    steps: [],
  };
  for (const child of item.children) {
    if (child.type === 'list') {
      step.details.push(...(child as List).children.map((i) => cleanTitle(textOf(i))));
    } else if (child.type === 'code') {
      const commands = commandsOf(child.value);
      step.commands.push(...commands);
      // A block of several commented commands reads as sub-steps ("Quick health check"…).
      if (commands.filter((c) => c.comment && c.command).length > 1) {
        step.steps.push(
          ...commands
            .filter((c) => c.command)
            .map((c) => ({
              title: c.comment ?? c.command!,
              details: [],
              commands: [c],
              steps: [],
            })),
        );
      }
    }
  }
  return step;
}

/** Splits a shell block into commands, each with the comment lines just above it. */
export function commandsOf(code: string): RunbookCommand[] {
  const commands: RunbookCommand[] = [];
  let comments: string[] = [];
  let command: string[] = [];
  const flush = () => {
    if (command.length > 0 || comments.length > 0) {
      const entry: RunbookCommand = {};
      if (comments.length > 0) entry.comment = comments.join(' ');
      if (command.length > 0) entry.command = command.join('\n');
      commands.push(entry);
    }
    comments = [];
    command = [];
  };
  for (const raw of code.split('\n')) {
    const line = raw.trimEnd();
    const continuing = command.length > 0 && command.at(-1)!.endsWith('\\');
    if (continuing) {
      command.push(line);
    } else if (line.trim() === '') {
      flush();
    } else if (line.trimStart().startsWith('#')) {
      if (command.length > 0) flush();
      comments.push(line.trim().replace(/^#+\s*/, ''));
    } else {
      if (command.length > 0) flush();
      command.push(line);
    }
  }
  flush();
  return commands;
}

function cleanTitle(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/^\[[ xX]\]\s*/, '')
    .replace(/\s*:\s*$/, '')
    .trim();
}

function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if (!('children' in node)) return '';
  const parts = (node.children as Nodes[]).map(textOf);
  return node.type === 'listItem' || node.type === 'list' ? parts.join('\n') : parts.join('');
}
