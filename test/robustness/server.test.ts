// The real language server (dist/server.js over stdio) fed fuzzed documents: a kernel file and a patch mail
// edited with random incremental changes (ranges past the end, reversed, splitting \r\n and surrogate pairs;
// texts with NULs, lone surrogates, braces), full-text replacements, a 1 MB line and a deeply nested function.
// Afterwards every document's stats, a hover and an outline must still come back, for the last version, and
// no handler may have thrown.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { DocumentSymbolRequest, HoverRequest, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { documentStatsRequest } from '../../server/src/lsp-ext';
import { requireShared } from '../helpers';
import { LspTestClient, SERVER_JS } from '../lsp/lspTestClient';
import { deeplyNestedCTexts, hostileCTexts, prng, type Random } from './generators';

const PIECES = ['{', '}', '(', ')', ';', '\n', '\r\n', '\r', '\0', '\ud800', '\udc00', '😀', 'spin_lock(&l);', 'goto out;', '/*', '*/',
  '"', '@@ -1,2 +1,3 @@\n', '+', '-', ' ', 'diff --git a/x b/x\n', '\t'];

function randomChange(random: Random, lines: number): TextEdit {
  const position = () => ({ line: random.int(lines + 3), character: random.chance(0.9) ? random.int(80) : 100_000 });
  const text = Array.from({ length: random.int(4) }, () => random.pick(PIECES)).join('');
  return { range: { start: position(), end: position() }, text };
}

type TextEdit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

interface FuzzedDocument {
  uri: string;
  languageId: string;
  text: string;
  version: number;
}

describe('robustness: the language server with fuzzed documents', function () {
  this.timeout(120_000);
  let client: LspTestClient;

  before(async () => {
    assert.ok(existsSync(SERVER_JS), `${SERVER_JS} is missing: run \`npm run build\` first`);
    client = LspTestClient.start();
    // Small limits keep each check short; no debounce so each version is checked as soon as possible.
    client.settings = { analysisTimeLimitMs: 200, debounceMs: 0 };
    await client.initialize();
  });
  after(() => client.kill());

  it('answers stats, hover and outline requests for the last version after 200 random edits', async () => {
    const random = prng(4242);
    const docs: FuzzedDocument[] = [
      { uri: 'file:///fuzz/khugepaged.c', languageId: 'c', text: readFileSync(requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c'), 'utf8'), version: 1 },
      { uri: 'file:///fuzz/0009.patch', languageId: 'diff', text: readFileSync(requireShared('corpus', 'series', 'dev-jain-rfc-v1-09-12.patch'), 'utf8'), version: 1 },
      { uri: 'file:///fuzz/hostile.c', languageId: 'c', text: hostileCTexts().find(([n]) => n === 'a 1 MB single line')![1], version: 1 },
      { uri: 'file:///fuzz/deep.c', languageId: 'c', text: deeplyNestedCTexts()[0][1], version: 1 },
    ];
    for (const d of docs) await client.open(d.uri, d.languageId, d.text, d.version);
    for (let i = 0; i < 200; i++) {
      const d = docs[i % 2 === 0 ? 0 : random.int(docs.length)];
      d.version++;
      const changes: TextDocumentContentChangeEvent[] = random.chance(0.03)
        ? [{ text: d.text.slice(0, random.int(d.text.length)) }]
        : Array.from({ length: 1 + random.int(3) }, () => randomChange(random, d.text.split('\n').length));
      await client.change(d.uri, d.version, changes);
      // Now and then a request while edits are queued, as an editor hovering during typing.
      if (i % 25 === 0) await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: d.uri }, position: { line: 3, character: 1 } });
    }
    for (const d of docs) {
      await client.waitForDiagnostics(d.uri, (p) => p.version === d.version, 0, 60_000);
      const stats = await client.connection.sendRequest(documentStatsRequest, { uri: d.uri });
      assert.equal(stats?.version, d.version, `${d.uri}: stats of the last version`);
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: d.uri }, position: { line: 10, character: 2 } });
      await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: d.uri } });
    }
    const published = (uri: string) => client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    for (const d of docs) {
      const versions = published(d.uri);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `${d.uri}: published versions never go back`);
    }
    const handlerFailures = client.log.filter((l) => /failed: |uncaught exception|unhandled rejection/.test(l));
    assert.deepEqual(handlerFailures, [], 'no handler threw');
  });
});
