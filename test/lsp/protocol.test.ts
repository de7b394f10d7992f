// Hover on protocol calls, the protocol code lens and the "add the missing unlock" quick fix, through the
// real bundled server.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, CodeLensRequest, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspTestClient, REPO_ROOT } from './lspTestClient';

const PATH = join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'collapse-protocol.c');
const TEXT = readFileSync(PATH, 'utf8');
const URI = pathToFileURL(PATH).href;
const lineOf = (needle: string) => TEXT.split('\n').findIndex((l) => l.includes(needle));

describe('protocol hover, code lens and quick fix over LSP', function () {
  this.timeout(20_000);
  let client: LspTestClient;
  before(async () => {
    client = LspTestClient.start();
    await client.initialize();
    await client.open(URI, 'c', TEXT);
    await client.waitForDiagnostics(URI, (p) => p.diagnostics.length > 0);
  });
  after(() => client.kill());

  it('explains a protocol call: its steps, the paragraph, the state before and after', async () => {
    const line = lineOf('pmdp_collapse_flush(');
    const hover = await client.connection.sendRequest(HoverRequest.type,
      { textDocument: { uri: URI }, position: { line, character: TEXT.split('\n')[line].indexOf('pmdp_collapse_flush') + 2 } });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /pmdp_collapse_flush\(\)\*\*: clear the PMD and flush the TLB — step b of the proposed mTHP protocol, mainline C15/);
    assert.match(value, /Before: locks: .*mm.*pml/);
    assert.match(value, /After: .*pmd=hidden.*flushed=yes/);
  });

  it('says where a lock variable is taken and released', async () => {
    const line = lineOf('spin_unlock(pml);');
    const hover = await client.connection.sendRequest(HoverRequest.type,
      { textDocument: { uri: URI }, position: { line, character: TEXT.split('\n')[line].indexOf('pml') + 1 } });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /\*\*pml\*\*: taken at line \d+ by `pmd_lock\(\)`.*released at line \d+ by `spin_unlock\(\)`/);
  });

  it('puts a code lens on the collapse-like function with the steps found and missing', async () => {
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, lineOf('static int collapse_range'));
    assert.match(lenses[0].command!.title, /mainline protocol: \d+\/12 steps .*C15@16.*— missing .*C2 allocate/);
  });

  it('offers the missing unlock before the leaking goto as a quick fix', async () => {
    const diagnostics = client.published.filter((p) => p.uri === URI).at(-1)!.diagnostics.filter((d) => d.code === 'LOCK-PAIR');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type,
      { textDocument: { uri: URI }, range: diagnostics[0].range, context: { diagnostics } }))!;
    assert.equal(actions.length, 1);
    const action = actions[0] as { title: string; edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> } };
    assert.match(action.title, /Add anon_vma_unlock_write\(vma->anon_vma\) before this goto out_up_write/);
    const [edit] = action.edit.changes[URI];
    assert.equal(edit.range.start.line, lineOf('goto out_up_write;'));
    assert.equal(edit.newText, '\t\tanon_vma_unlock_write(vma->anon_vma);\n');
  });
});
