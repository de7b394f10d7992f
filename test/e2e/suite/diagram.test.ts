// The protocol diagram commands in a real extension host: the panel opens with the function at the cursor,
// and the simulation command returns the counterexample it shows (test/e2e/ui-check.mjs looks at the panel
// itself with Playwright).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface DiagramSummary {
  mode: 'static' | 'simulation';
  lanes: string[];
  steps: number;
  highlight?: string;
  verdict?: string;
}

async function openAt(name: string, text: string): Promise<{ uri: vscode.Uri; position: vscode.Position }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace (test/e2e/workspace) is open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
  const editor = await vscode.window.showTextDocument(doc);
  const line = doc.getText().split('\n').findIndex((l) => l.includes(text));
  const position = new vscode.Position(line, doc.lineAt(line).firstNonWhitespaceCharacterIndex);
  editor.selection = new vscode.Selection(position, position);
  return { uri: doc.uri, position };
}

describe('MM Review protocol diagrams in a real extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension('mm-review.mm-review')?.activate();
  });

  it('opens the protocol diagram of the function at the cursor', async () => {
    const { uri, position } = await openAt('collapse-nosync.c', 'pmdp_collapse_flush');
    const summary = await vscode.commands.executeCommand<DiagramSummary>('mmReview.showProtocolDiagram', uri, position);
    assert.ok(summary, 'the command drew a diagram');
    assert.equal(summary.mode, 'static');
    assert.deepEqual(summary.lanes, ['collapse_huge_page']);
    assert.ok(summary.steps >= 10, `${summary.steps} steps`);
    // The panel's tab appears once the workbench has created it (asynchronously, after the command returns).
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    for (let i = 0; i < 50 && !labels().includes('Protocol: collapse_huge_page'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(labels().includes('Protocol: collapse_huge_page'), labels().join(', '));
  });

  it('simulates the function at the cursor against gup-fast and shows the counterexample', async () => {
    const { uri, position } = await openAt('collapse-nosync.c', 'mmap_write_lock');
    const summary = await vscode.commands.executeCommand<DiagramSummary>('mmReview.simulateFunction', uri, position, ['gup-fast']);
    assert.ok(summary, 'the command drew a diagram');
    assert.deepEqual([summary.mode, summary.verdict, summary.highlight], ['simulation', 'violation', 'GUP-FAST-SYNC']);
    assert.deepEqual(summary.lanes, ['collapse_huge_page', 'gup-fast']);
  });
});
