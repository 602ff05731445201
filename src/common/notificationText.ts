/*
 * Text shown in VS Code's notifications. No `vscode` here, so it is unit-tested.
 */
/**
 * VS Code's notifications, which show incident titles, turn `[text](command:…)` into a link
 * that runs a command when clicked. A title comes from whoever typed it, from whatever raised a
 * PagerDuty alert, or from a journal file someone else wrote; the incident shows it with that
 * syntax broken (`] (`), so no title can plant a link. A notification that also carries other
 * outside text (a follow-up, a summary, a contact) passes its whole message through here: a
 * title ending in an open `[` and a later `](command:…)` would otherwise make one link.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
