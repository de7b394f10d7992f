// package.json's `contributes` agrees with the code: every command is registered by the client and listed
// under "MM Review", every setting is an `mmReview.*` one with a full-sentence description, and every rule
// the core reports can be given a severity in `mmReview.severity`.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/core/rules';
import { REPO_ROOT } from './lspTestClient';

interface Setting {
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, Setting>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const settings: Record<string, Setting> = pkg.contributes.configuration.properties;
/** The client's feature modules (commands.ts, diagramPanel.ts, …): each registers its own commands. */
const clientSource = readdirSync(join(REPO_ROOT, 'client', 'src')).filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(REPO_ROOT, 'client', 'src', f), 'utf8')).join('\n');

describe('package.json contributions', () => {
  it('lists every command under "MM Review", and the client registers each', () => {
    const commands: { command: string; category: string }[] = pkg.contributes.commands;
    assert.deepEqual(commands.map((c) => c.command).sort(),
      ['mmReview.recheckDocument', 'mmReview.restartServer', 'mmReview.showOutput', 'mmReview.showProtocolDiagram',
        'mmReview.simulateFunction']);
    for (const c of commands) {
      assert.equal(c.category, 'MM Review', c.command);
      assert.ok(clientSource.includes(`registerCommand('${c.command}'`), `${c.command} is registered in client/src/`);
    }
  });

  it('names every setting mmReview.* and describes it in a full sentence', () => {
    for (const [key, setting] of Object.entries(settings)) {
      assert.match(key, /^mmReview\./);
      const text = setting.description ?? setting.markdownDescription ?? '';
      assert.match(text, /^[A-Z].*\.$/, `${key}: "${text}"`);
    }
  });

  it('offers a severity override for every rule the core reports', () => {
    const rules = settings['mmReview.severity'].properties ?? {};
    assert.deepEqual(Object.keys(rules).sort(), Object.keys(RULES).sort());
    for (const [rule, s] of Object.entries(rules)) assert.match(s.description ?? '', /^[A-Z].*\.$/, rule);
  });

  it('activates on C and diff documents only, from the bundle', () => {
    assert.deepEqual(pkg.activationEvents, ['onLanguage:c', 'onLanguage:diff']);
    assert.equal(pkg.main, './dist/extension.js');
  });
});
