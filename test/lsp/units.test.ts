// The LSP layer's pure helpers: position → offset conversion (every incremental edit goes through it) and
// settings validation (a bad settings.json must fall back to defaults, not break analysis).
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offsetAt } from '../../server/src/lsp/positions';
import { DEFAULT_SETTINGS, analysisOptions, parseSettings, sameAnalysisOptions } from '../../server/src/lsp/settings';

describe('offsetAt (LSP position → UTF-16 offset)', () => {
  const at = (text: string, line: number, character: number) => offsetAt(text, { line, character });

  it('counts \\n, \\r\\n and \\r as line ends', () => {
    assert.equal(at('ab\ncd', 1, 1), 4);
    assert.equal(at('ab\r\ncd', 1, 1), 5);
    assert.equal(at('ab\rcd', 1, 0), 3);
  });

  it('counts UTF-16 code units, as LSP and JavaScript strings do', () => {
    assert.equal(at('a😀b\nx', 0, 3), 3); // the emoji is two code units
    assert.equal(at('a😀b\nx', 1, 0), 5);
  });

  it('clamps a character past the line end to the line end, and a line past the end to the text end', () => {
    assert.equal(at('ab\r\ncd', 0, 99), 2);
    assert.equal(at('ab\ncd', 7, 0), 5);
    assert.equal(at('', 0, 5), 0);
  });
});

describe('parseSettings', () => {
  it('takes valid values and falls back to the defaults for the rest, saying why', () => {
    const warnings: string[] = [];
    const s = parseSettings({ severity: { 'LOCK-PAIR': 'off', 'ANALYSIS-LIMIT': 'loud' }, debounceMs: -1, maxDocumentBytes: 1000, kernelTree: 7 },
      (m) => warnings.push(m));
    assert.deepEqual(s, {
      ...DEFAULT_SETTINGS, severity: { 'LOCK-PAIR': 'off' }, debounceMs: DEFAULT_SETTINGS.debounceMs, maxDocumentBytes: 1000, kernelTree: '',
    });
    assert.equal(warnings.length, 3);
  });

  it('reads the analysis limits, 0 meaning no time limit, and rejects nonsense', () => {
    const warnings: string[] = [];
    const s = parseSettings({ analysisTimeLimitMs: 0, maxStatesPerFunction: 5000.7 }, (m) => warnings.push(m));
    assert.deepEqual(analysisOptions(s), { timeLimitMs: undefined, maxStatesPerFunction: 5000, protocolVariant: 'auto', kernelVersion: undefined });
    const bad = parseSettings({ analysisTimeLimitMs: -5, maxStatesPerFunction: 'many' }, (m) => warnings.push(m));
    assert.deepEqual(analysisOptions(bad), { timeLimitMs: DEFAULT_SETTINGS.analysisTimeLimitMs, maxStatesPerFunction: DEFAULT_SETTINGS.maxStatesPerFunction, protocolVariant: 'auto', kernelVersion: undefined });
    assert.equal(warnings.length, 2);
  });

  it('reads the protocol variant, rejecting unknown names, and a changed variant needs a new checker', () => {
    const warnings: string[] = [];
    const merged = parseSettings({ protocolVariant: 'merged-mthp' }, (m) => warnings.push(m));
    assert.equal(analysisOptions(merged).protocolVariant, 'merged-mthp');
    assert.equal(parseSettings({ protocolVariant: 'mthp' }, (m) => warnings.push(m)).protocolVariant, 'auto');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /protocolVariant must be one of auto, mainline, proposed-mthp, merged-mthp/);
    assert.equal(sameAnalysisOptions(analysisOptions(merged), analysisOptions(DEFAULT_SETTINGS)), false);
    assert.equal(sameAnalysisOptions({ maxStatesPerFunction: 200_000, protocolVariant: 'auto' }, { maxStatesPerFunction: 200_000 }), true);
  });

  it('takes the kernel version from the setting, else from the kernel tree\'s Makefile, and a new one needs a new checker', () => {
    const warnings: string[] = [];
    assert.equal(analysisOptions(parseSettings({ kernelVersion: '6.1' })).kernelVersion, '6.1');
    const tree = mkdtempSync(join(tmpdir(), 'mmr-tree-'));
    writeFileSync(join(tree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 118\n');
    assert.equal(analysisOptions(parseSettings({ kernelTree: tree })).kernelVersion, '6.12.118');
    assert.equal(analysisOptions(parseSettings({ kernelTree: tree, kernelVersion: '7.2' })).kernelVersion, '7.2');
    assert.equal(analysisOptions(parseSettings({ kernelTree: join(tree, 'absent') })).kernelVersion, undefined);
    assert.equal(parseSettings({ kernelVersion: 'latest' }, (m) => warnings.push(m)).kernelVersion, '');
    assert.match(warnings[0], /kernelVersion must be a kernel version/);
    assert.equal(sameAnalysisOptions(analysisOptions(parseSettings({ kernelVersion: '6.1' })), analysisOptions(DEFAULT_SETTINGS)), false);
  });

  it('reads a missing section (null from workspace/configuration) as the defaults', () => {
    assert.deepEqual(parseSettings(null), DEFAULT_SETTINGS);
  });
});
