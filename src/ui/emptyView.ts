import type * as vscode from 'vscode';

/**
 * A view with nothing to list yet, so VS Code shows the view's welcome content (declared in
 * `package.json`) with the action that fills it.
 */
export class EmptyView implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
