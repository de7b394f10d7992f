// What a user sees in a real VS Code: diagnostics, hover, commands, patch notice, settings. Uses only the
// `vscode` API, so it runs in any editor host (code-server here, desktop VS Code via @vscode/test-electron).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { expectedFindings } from '../../lsp/markers';

const EXTENSION_ID = 'mm-review.mm-review';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace (test/e2e/workspace) is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function mmReviewDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mm-review');
}

function ruleOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

/** Polls until `accept` holds for the file's mm-review diagnostics (they arrive asynchronously). */
async function waitForDiagnostics(uri: vscode.Uri, accept: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ds = mmReviewDiagnostics(uri);
    if (accept(ds)) return ds;
    if (Date.now() > deadline) throw new Error(`diagnostics of ${uri.path} never matched; last: ${JSON.stringify(ds.map((d) => [ruleOf(d), d.range.start.line, d.severity, d.message]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openInEditor(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

describe('MM Review in a real VS Code extension host', () => {
  const leakUri = () => workspaceFile('lock-leak.c');
  let expectedLine = -1;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    await ext.activate();
  });

  it('shows LOCK-PAIR at the marked line of a C file', async () => {
    const doc = await openInEditor('lock-leak.c');
    assert.equal(doc.languageId, 'c');
    [{ line: expectedLine }] = expectedFindings(doc.getText()).filter((e) => e.rule === 'LOCK-PAIR');
    const ds = await waitForDiagnostics(doc.uri, (all) => all.some((d) => ruleOf(d) === 'LOCK-PAIR'));
    const d = ds.find((x) => ruleOf(x) === 'LOCK-PAIR')!;
    assert.equal(d.range.start.line, expectedLine);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(d.relatedInformation && d.relatedInformation.length > 0, 'related locations are shown');
    const target = typeof d.code === 'object' ? d.code.target : undefined;
    assert.ok(target?.path.endsWith('/docs/rules/LOCK-PAIR.md'), `rule link: ${target?.toString()}`);
  });

  it('hovers the lock call with its lock family and where it is still held', async () => {
    const doc = await openInEditor('lock-leak.c');
    const character = doc.lineAt(expectedLine).text.indexOf('spin_lock') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri,
      new vscode.Position(expectedLine, character));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /spin_lock\(\)\*\* acquires the spinlock `&l`/);
    assert.match(text, /LOCK-PAIR/);
    assert.match(text, /still held at this goto out/);
  });

  it('re-checks the current file and returns the number of findings', async () => {
    await openInEditor('lock-leak.c');
    assert.equal(await vscode.commands.executeCommand<number>('mmReview.recheckDocument'), 1);
  });

  it('applies a mmReview.severity change from the settings', async () => {
    const config = vscode.workspace.getConfiguration('mmReview');
    try {
      await config.update('severity', { 'LOCK-PAIR': 'warning' }, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(leakUri(), (ds) => ds.some((d) => ruleOf(d) === 'LOCK-PAIR' && d.severity === vscode.DiagnosticSeverity.Warning));
      await config.update('severity', { 'LOCK-PAIR': 'off' }, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(leakUri(), (ds) => ds.length === 0);
    } finally {
      await config.update('severity', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(leakUri(), (ds) => ds.some((d) => ruleOf(d) === 'LOCK-PAIR' && d.severity === vscode.DiagnosticSeverity.Error));
  });

  it('checks a .patch file and puts the finding on the + line that introduces it', async () => {
    const doc = await openInEditor('collapse.patch');
    assert.equal(doc.languageId, 'diff');
    const [d] = await waitForDiagnostics(doc.uri, (ds) => ds.length > 0);
    const expectedLine = doc.getText().split('\n').findIndex((l) => l.includes('expect: LOCK-PAIR'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, expectedLine);
    assert.match(d.message, /spinlock 'c->lock'/);
  });

  it('opens mailbox files (*.mbx) as diff', async () => {
    const doc = await openInEditor('cover-letter.mbx');
    assert.equal(doc.languageId, 'diff');
  });

  it('restarts the server and gets the findings back', async () => {
    await vscode.commands.executeCommand('mmReview.restartServer');
    await openInEditor('lock-leak.c');
    assert.equal(await vscode.commands.executeCommand<number>('mmReview.recheckDocument'), 1);
    await waitForDiagnostics(leakUri(), (ds) => ds.some((d) => ruleOf(d) === 'LOCK-PAIR'));
  });
});
