import * as vscode from 'vscode';

import { createLog, type Log, type LogSink } from '../common/log';

/**
 * The extension's one leveled output channel. Components get a tagged `Log` from it; the
 * channel is never shown on its own, only when the user asks (an error's "Open Log" button or
 * `FreeLMS: Show Log`).
 */
export class ExtensionLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('FreeLMS Incident Response', {
    log: true,
  });

  private readonly sink: LogSink = (level, line) => this.channel[level](line);

  /** A `Log` whose lines are tagged `[component]` and redacted before they reach the channel. */
  for(component: string): Log {
    return createLog(component, this.sink);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
