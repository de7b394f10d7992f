// The editor reads a kernel tree's header lock wrappers as `check --kernel-tree` does: from the
// mmReview.kernelTree setting, or from a workspace folder that is a kernel tree. The documents are checked
// first without them (reading takes seconds) and again once they are in.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURES } from '../helpers';
import { LspTestClient } from './lspTestClient';

const TREE = join(FIXTURES, 'kernel-tree');
const USER = join(TREE, 'mm', 'user.c');
const TEXT = readFileSync(USER, 'utf8');
const LEAK_ROW = TEXT.split('\n').indexOf('\tinode_lock(inode);');

describe('the kernel tree\'s header contracts in the editor (dist/server.js)', function () {
  this.timeout(60_000);
  let client: LspTestClient | undefined;
  afterEach(() => client?.kill());

  for (const [how, settings, folders] of [
    ['the mmReview.kernelTree setting', { kernelTree: TREE }, []],
    ['a workspace folder that is a kernel tree', {}, [pathToFileURL(TREE).href]],
  ] as const) {
    it(`come from ${how}: a leak through inode_lock() is found once they are read`, async () => {
      client = LspTestClient.start();
      client.settings = settings;
      await client.initialize([...folders]);
      const uri = pathToFileURL(USER).href;
      await client.open(uri, 'c', TEXT);
      const found = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 0, 30_000);
      assert.deepEqual(found.diagnostics.map((d) => [d.range.start.line, d.code]), [[LEAK_ROW, 'LOCK-PAIR']]);
      assert.ok(client.log.some((l) => /read the lock effects of 3 functions of .*include\/linux/.test(l)), client.log.join('\n'));
    });
  }

  it('stay out when no kernel tree is set: the wrapper is an unknown call', async () => {
    client = LspTestClient.start();
    await client.initialize();
    const uri = pathToFileURL(USER).href;
    await client.open(uri, 'c', TEXT);
    const found = await client.waitForDiagnostics(uri, () => true);
    assert.deepEqual(found.diagnostics, []);
  });
});
