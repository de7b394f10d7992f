// A newer version supersedes an older one, over the real server: a check queued for an old version is dropped,
// a check during which an edit arrived is not published, and the debounce after an edit follows the
// document's recent check times.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ConfigurationRequest } from 'vscode-languageserver-protocol/node';
import { adaptiveDelay } from '../../server/src/lsp/debouncePolicy';
import { pathologicalC } from '../robustness/generators';
import { LspTestClient, SERVER_JS } from './lspTestClient';

let uriCounter = 0;
const uriOf = (name: string) => `file:///supersede/${++uriCounter}/${name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const versionsPublished = (client: LspTestClient, uri: string) => client.published.filter((p) => p.uri === uri).map((p) => p.version);

/**
 * An edit that keeps the document pathological and changes its code, so that its function is analysed again
 * (a comment would not be: only the layout would change): a statement at the end of the last function.
 */
const EDITED = '(void)0;';
function appendStatement(text: string) {
  const lines = text.split('\n');
  const line = lines.length - 2;
  return [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: EDITED }];
}

describe('newer versions supersede older checks (dist/server.js)', function () {
  this.timeout(60_000);
  let client: LspTestClient;

  beforeEach(() => {
    assert.ok(existsSync(SERVER_JS), `${SERVER_JS} is missing: run \`npm run build\` first`);
    client = LspTestClient.start();
  });
  afterEach(() => client.kill());

  it('drops a check queued for an old version while the settings are still loading', async () => {
    // Hold the answer to workspace/configuration: every check waits for the settings, so both the check of
    // version 1 (scheduled at open) and the debounced one of version 2 queue up behind it.
    let release!: () => void;
    const settingsHeld = new Promise<void>((resolve) => (release = resolve));
    client.connection.onRequest(ConfigurationRequest.type, async (p) => {
      await settingsHeld;
      return p.items.map(() => ({}));
    });
    await client.initialize();
    const uri = uriOf('queued.c');
    const text = 'void f(void)\n{\n\tspin_lock(&l);\n}\n';
    await client.open(uri, 'c', text);
    await sleep(100); // the check of version 1 (no debounce at open) has started waiting for the settings
    await client.change(uri, 2, [{ range: { start: { line: 3, character: 1 }, end: { line: 3, character: 1 } }, text: '\n' }]);
    await sleep(400); // so has the debounced check of version 2 (150 ms)
    release();
    await client.waitForDiagnostics(uri, (p) => p.version === 2);
    // A round trip, then a pause longer than any debounce: nothing else may come.
    await client.connection.sendRequest('mmReview/documentStats', { uri });
    await sleep(400);
    assert.deepEqual(versionsPublished(client, uri), [2]);
    assert.ok(client.log.some((l) => l.startsWith(`dropped the check of ${uri} v1`)), client.log.join('\n'));
  });

  it('does not publish a check when an edit arrived while it ran', async () => {
    client.settings = { analysisTimeLimitMs: 0 };
    await client.initialize();
    const uri = uriOf('slow.c');
    // Two functions of about a second each: the first check is still running when version 2 arrives.
    const text = pathologicalC(2);
    await client.open(uri, 'c', text);
    await sleep(200);
    await client.change(uri, 2, appendStatement(text));
    await client.waitForDiagnostics(uri, (p) => p.version === 2, 0, 30_000);
    await client.connection.sendRequest('mmReview/documentStats', { uri });
    assert.deepEqual(versionsPublished(client, uri), [2], `version 1 was superseded during its analysis; server log:\n${client.log.join('\n')}`);
    assert.ok(client.log.some((l) => l.startsWith(`dropped the check of ${uri} v1: version 2 arrived during the analysis`)), client.log.join('\n'));
  });

  it('waits longer after an edit when the document\'s checks are slow', async () => {
    client.settings = { analysisTimeLimitMs: 0, debounceMs: 50 };
    await client.initialize();
    const uri = uriOf('adaptive.c');
    let text = pathologicalC(1);
    await client.open(uri, 'c', text);
    await client.waitForDiagnostics(uri, (p) => p.version === 1, 0, 30_000);
    for (let version = 2; version <= 3; version++) {
      const edit = appendStatement(text);
      text = text.split('\n').map((l, i) => (i === edit[0].range.start.line ? `${EDITED}${l}` : l)).join('\n');
      await client.change(uri, version, edit);
      await client.waitForDiagnostics(uri, (p) => p.version === version, 0, 30_000);
    }
    await client.connection.sendRequest('mmReview/documentStats', { uri }); // the log lines sent before are in
    // The log line of each check gives its parse and analysis times and the debounce it leads to. The
    // server times the whole check, which includes both, so the debounce is at least what they call for.
    const lines = client.log.filter((l) => l.startsWith(`checked ${uri} v`));
    const edits = lines.slice(1).map((l) => {
      const [, parse, analysis, debounce] = /parse ([\d.]+) ms, analysis ([\d.]+) ms; debounce after the next edit (\d+) ms/.exec(l)!.map(Number);
      return { checkMs: parse + analysis, debounce };
    });
    assert.equal(edits.length, 2, lines.join('\n'));
    const atLeast = adaptiveDelay(edits.map((e) => e.checkMs), 50);
    assert.ok(edits[1].debounce >= atLeast - 1 /* the logged times are rounded */, `debounce ${edits[1].debounce} ms after checks of ${edits.map((e) => e.checkMs).join(', ')} ms`);
    assert.ok(edits[1].debounce > 50, 'a function of 2^17 lock states takes longer than the 50 ms floor to re-check');
  });
});
