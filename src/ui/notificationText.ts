/*
 * Text from outside shown in VS Code's notifications. No `vscode` here, so it is unit-tested.
 */
/**
 * A PagerDuty title is written by whatever raised the alert, and VS Code's notifications, which
 * show incident titles, turn `[text](command:…)` into a link that runs a command when clicked.
 * The incident keeps the title with that syntax broken (`] (`), so no alert can plant one.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
