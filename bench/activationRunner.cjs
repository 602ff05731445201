// Loaded by VS Code's extension host as the "tests" of an activation benchmark run: opens the
// extension the way a user does (its first command) and prints what activate() took, with the
// mark that bench/activation.ts reads from the workbench log.
const vscode = require('vscode');

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('freelms.freelms-incident-response');
  if (!extension) throw new Error('the extension is not installed');
  const wasActive = extension.isActive;
  const started = Date.now();
  await vscode.commands.executeCommand('freelms.showLog');
  const report = {
    activationMs: extension.exports.activationMs,
    commandMs: Date.now() - started,
    wasActive,
  };
  console.log(`FREELMS| FREELMS_BENCH ${JSON.stringify(report)}`);
};
