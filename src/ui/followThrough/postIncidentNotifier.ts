import * as vscode from 'vscode';

import type { ChecklistPhase, ItemState, RuleName } from '../../incident/checklist';
import type { Incident } from '../../incident/model';
import {
  inReminderWindow,
  postIncidentPhase,
  postIncidentReminder,
} from '../../incident/postIncident';
import { Commands } from '../ids';

const SEEN_KEY = 'freelms.postIncident.notified';

/** The command that does a post-incident step, and its button's label. */
export const STEP_ACTIONS: Partial<Record<RuleName, { command: string; label: string }>> = {
  report: { command: Commands.generatePostmortem, label: 'Write Postmortem' },
  review: { command: Commands.schedulePostmortemReview, label: 'Schedule Review' },
  followUps: { command: Commands.exportFollowUps, label: 'Export Follow-ups' },
  runbook: { command: Commands.updateRunbook, label: 'Update Runbook' },
};

/** The command for a step, or the incident report for a step no command does. */
export function stepAction(item: ItemState): { command: string; label: string } {
  return (
    (item.rule && STEP_ACTIONS[item.rule]) ?? {
      command: Commands.openIncidentReport,
      label: 'Open Incident Report',
    }
  );
}

/** What the notifier reads: the resolved incidents and the checklist, from the Incidents view. */
export interface ResolvedSource {
  readonly resolved: Incident[];
  checklist(): ChecklistPhase[];
  onDidChangeTreeData: vscode.Event<unknown>;
}

/**
 * Reminds of a resolved incident's post-incident checklist when its 48-hour deadline is near
 * and again once it is overdue while a step is open, once each per incident (remembered in the
 * workspace state, so not again after a restart), with the first open step one click away.
 */
export class PostIncidentNotifier implements vscode.Disposable {
  private readonly seen: Set<string>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly source: ResolvedSource,
    private readonly timeZone: () => string,
    private readonly memento: vscode.Memento,
  ) {
    this.seen = new Set(memento.get<string[]>(SEEN_KEY, []));
    // The Incidents view redraws on every journal change and every half minute.
    this.subscription = source.onDidChangeTreeData(() => this.check());
  }

  check(now = new Date()): void {
    const checklist = this.source.checklist();
    for (const incident of this.source.resolved) {
      if (!inReminderWindow(incident, now)) continue;
      const phase = postIncidentPhase(checklist, incident, now);
      const reminder = postIncidentReminder(incident, phase, now, this.timeZone());
      if (!reminder || this.seen.has(reminder.key)) continue;
      this.seen.add(reminder.key);
      void this.memento.update(SEEN_KEY, [...this.seen].slice(-500));
      const action = stepAction(reminder.item);
      const shown =
        reminder.kind === 'overdue'
          ? vscode.window.showWarningMessage(reminder.message, action.label)
          : vscode.window.showInformationMessage(reminder.message, action.label);
      void shown.then((choice) => {
        if (choice)
          void vscode.commands.executeCommand(action.command, { incidentId: incident.id });
      });
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
