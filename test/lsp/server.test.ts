// The bundled language server (dist/server.js, as editors run it) over a real LSP connection on stdio.
// Run `npm run build` first: the test starts the bundle, not the tsc output.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, HoverRequest, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { documentStatsRequest, recheckDocumentRequest } from '../../server/src/lsp-ext';
import { LspTestClient, REPO_ROOT, SERVER_JS } from './lspTestClient';
import { expectedFindings, positionOf } from './markers';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'lsp');
const LEAK_TEXT = readFileSync(join(FIXTURES, 'lock-leak.c'), 'utf8');
const PATCH_TEXT = readFileSync(join(FIXTURES, 'collapse.patch'), 'utf8');
const [EXPECTED] = expectedFindings(LEAK_TEXT);

/** A distinct URI per test, so diagnostics of one test never satisfy another's wait. */
let uriCounter = 0;
function fixtureUri(name: string): string {
  return `${pathToFileURL(join(FIXTURES, name)).href}?test=${++uriCounter}`;
}

/** LSP 3.18 allows markup messages; this server sends plain strings. */
const messageText = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const lockPairAt = (line: number) => (d: Diagnostic) => d.code === 'LOCK-PAIR' && d.range.start.line === line;

describe('language server over stdio (dist/server.js)', function () {
  this.timeout(20_000);
  let client: LspTestClient;

  before(function () {
    assert.ok(existsSync(SERVER_JS), `${SERVER_JS} is missing: run \`npm run build\` first`);
    assert.equal(EXPECTED?.rule, 'LOCK-PAIR', 'lock-leak.c marks its LOCK-PAIR line');
    client = LspTestClient.start();
  });
  after(() => client.kill());

  it('initializes with incremental sync and hover', async () => {
    const result = await client.initialize();
    const sync = result.capabilities.textDocumentSync;
    assert.ok(typeof sync === 'object' && sync.change === 2 && sync.openClose === true, JSON.stringify(sync));
    assert.equal(result.capabilities.hoverProvider, true);
    assert.equal(result.serverInfo?.name, 'mm-review');
  });

  it('publishes LOCK-PAIR at the marked line with related information and a rule link', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(lockPairAt(EXPECTED.line)));
    const d = published.diagnostics.find(lockPairAt(EXPECTED.line))!;
    assert.equal(published.version, 1);
    assert.equal(d.range.start.character, EXPECTED.character);
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.source, 'mm-review');
    assert.match(messageText(d), /spinlock 'l'/);
    assert.ok(d.relatedInformation && d.relatedInformation.length > 0, 'relatedInformation present');
    assert.ok(d.relatedInformation.every((r) => r.location.uri === uri), 'related locations are in the document');
    assert.ok(existsSync(join(REPO_ROOT, 'docs', 'rules', 'LOCK-PAIR.md')),
      'docs/rules/LOCK-PAIR.md is missing; the server links only rule pages that exist');
    assert.ok(d.codeDescription?.href.endsWith('docs/rules/LOCK-PAIR.md'), `codeDescription: ${JSON.stringify(d.codeDescription)}`);
  });

  it('clears the finding after an incremental edit that fixes the leak', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(lockPairAt(EXPECTED.line)));
    const at = positionOf(LEAK_TEXT, 'goto out;');
    await client.change(uri, 2, [{ range: { start: at, end: at }, text: 'spin_unlock(&l);\n\t\t' }]);
    const fixed = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(fixed.diagnostics, []);
  });

  it('publishes only the newest version when edits arrive faster than the debounce', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    await client.waitForDiagnostics(uri, (p) => p.version === 1);
    const from = client.published.length;
    const end = positionOf(LEAK_TEXT, 'return ret;');
    for (let version = 2; version <= 6; version++) {
      await client.change(uri, version, [{ range: { start: end, end }, text: '/* typing */' }]);
    }
    const last = await client.waitForDiagnostics(uri, (p) => p.version === 6, from);
    const versions = client.published.slice(from).filter((p) => p.uri === uri).map((p) => p.version);
    assert.deepEqual(versions, [6]);
    assert.ok(last.diagnostics.some(lockPairAt(EXPECTED.line)), 'still reports the leak after the edits');
  });

  it('keeps answering after garbage, NUL bytes and unbalanced braces', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    const at = positionOf(LEAK_TEXT, 'c->value++;');
    await client.change(uri, 2, [
      { range: { start: at, end: at }, text: '\u0000\u0000 }}}{ {{ ((( "unterminated \\\ud800 #if\n' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, text: '\u0000{' },
      { range: { start: { line: 9999, character: 0 }, end: { line: 9999, character: 5 } }, text: '\n}}}}' },
    ]);
    await client.waitForDiagnostics(uri, (p) => p.version === 2);
    const stats = await client.connection.sendRequest(documentStatsRequest, { uri });
    assert.equal(stats?.version, 2);
    assert.equal(stats?.state, 'analyzed');
  });

  it('applies mmReview.severity overrides, including off, on configuration change', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(lockPairAt(EXPECTED.line)));
    let from = client.published.length;
    await client.changeSettings({ severity: { 'LOCK-PAIR': 'warning' } });
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => lockPairAt(EXPECTED.line)(d) && d.severity === DiagnosticSeverity.Warning), from);
    from = client.published.length;
    await client.changeSettings({ severity: { 'LOCK-PAIR': 'off' } });
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0, from);
    await client.changeSettings({});
  });

  it('reports documents above mmReview.maxDocumentBytes instead of analysing them', async () => {
    const uri = fixtureUri('lock-leak.c');
    const from = client.published.length;
    await client.changeSettings({ maxDocumentBytes: 100 });
    await client.open(uri, 'c', LEAK_TEXT);
    const p = await client.waitForDiagnostics(uri, () => true, from);
    assert.equal(p.diagnostics.length, 1);
    assert.equal(p.diagnostics[0].severity, DiagnosticSeverity.Information);
    assert.match(messageText(p.diagnostics[0]), /did not analyse this document.*mmReview\.maxDocumentBytes/);
    await client.changeSettings({});
  });

  it('checks patches: the finding sits on the + line that introduces it', async () => {
    const uri = fixtureUri('collapse.patch');
    await client.open(uri, 'diff', PATCH_TEXT);
    const p = await client.waitForDiagnostics(uri, (ps) => ps.diagnostics.length > 0);
    const expectedLine = PATCH_TEXT.split('\n').findIndex((l) => l.includes('expect: LOCK-PAIR'));
    assert.equal(PATCH_TEXT.split('\n')[expectedLine][0], '+');
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.range.start.line, d.severity]), [['LOCK-PAIR', expectedLine, DiagnosticSeverity.Error]]);
    // `+\tspin_lock(...)`: the range starts after the '+' and the tab.
    assert.equal(p.diagnostics[0].range.start.character, 2);
  });

  it('hovers a lock call with its lock family and the finding', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    const hover = await client.connection.sendRequest(HoverRequest.type,
      { textDocument: { uri }, position: { line: EXPECTED.line, character: EXPECTED.character + 2 } });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /\*\*spin_lock\(\)\*\* acquires the spinlock `&l`/);
    assert.match(text, /LOCK-PAIR\*\* \(error\): spinlock 'l' taken here/);
    assert.match(text, /still held at this goto out/);
  });

  it('rechecks on request and returns the stats', async () => {
    const uri = fixtureUri('lock-leak.c');
    await client.open(uri, 'c', LEAK_TEXT);
    const stats = await client.connection.sendRequest(recheckDocumentRequest, { uri });
    assert.equal(stats?.findings, 1);
    assert.equal(stats?.errors, 1);
    assert.equal(stats?.functions, 1);
    assert.equal(await client.connection.sendRequest(recheckDocumentRequest, { uri: 'file:///not/open.c' }), null);
  });

  it('exits with code 0 after shutdown and exit', async () => {
    assert.equal(await client.shutdownAndExit(), 0);
  });
});
