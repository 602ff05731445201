import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import * as vscode from 'vscode';

/**
 * Webview pages are static HTML files built into `dist/media/<page>/`. Only these placeholders
 * are filled in, never data: `{{csp}}`, `{{nonce}}`, `{{script}}`, `{{style}}`. Data reaches a
 * page through typed messages, and the page writes it with `textContent`.
 */
export function mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'media');
}

/** Options that keep a webview to its own built folder and scripts. */
export function webviewOptions(
  extensionUri: vscode.Uri,
): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [mediaRoot(extensionUri)],
    retainContextWhenHidden: false,
  };
}

/** The strict content security policy of every page: nothing but our own nonce'd script and styles. */
export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export async function renderPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: string,
): Promise<string> {
  const folder = vscode.Uri.joinPath(mediaRoot(extensionUri), page);
  const template = await readFile(vscode.Uri.joinPath(folder, 'index.html').fsPath, 'utf8');
  const nonce = randomBytes(16).toString('base64');
  const values: Record<string, string> = {
    csp: contentSecurityPolicy(webview, nonce),
    nonce,
    script: webview.asWebviewUri(vscode.Uri.joinPath(folder, 'main.js')).toString(),
    style: webview.asWebviewUri(vscode.Uri.joinPath(folder, 'main.css')).toString(),
  };
  return template.replace(
    /\{\{(csp|nonce|script|style)\}\}/g,
    (_match, key: string) => values[key]!,
  );
}
