// Acceptance tests on the real patch mails of ../shared/corpus (read at run time, never copied here).
//
// Expected hunk results were checked by hand with GNU patch 2.7.6: patches 01..12 applied in order with
// `patch -p1` to a /tmp copy of khugepaged-v6.12.117.c. patch(1) reported exactly the outcome asserted below
// (offsets, the three fuzzed hunks, the three FAILED hunks), and the sha256 of its output after each patch is
// the one listed; our post-images must be byte-identical to patch(1)'s.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  buildSeries, hunkStats, parsePatchFile, type SeriesResult,
} from '../../../server/src/core/patch';
import { corpus, corpusDir, requireCorpus } from './helpers';

const seriesFiles = () => readdirSync(path.join(corpusDir, 'series')).sort();
const devJain = (k: number) => `dev-jain-rfc-v1-${String(k).padStart(2, '0')}-12.patch`;
const khugepagedBase = () => corpus('kernel/khugepaged-v6.12.117.c').toString('utf8');

/** sha256 of mm/khugepaged.c after patch k, from GNU patch (failed hunks left out, as here). */
const patchToolSha256: Record<number, string> = {
  1: '647b87b923222705ce8c8cf7a609dbe8cae02cbd9de7b3a3559abfd4b30d540c',
  2: '8d4b9e36ca962245299d165f875ad5594d68df78282862e3edb100018031e0f8',
  3: '6e0e8b6396cbc574198a31955c2f5cf5a8cbc3f5185a85b3d8648d4d1816fbc6',
  4: '3620030fe71a60f2692d664f299b946c7c6cd9d63462c7a9a7518da0b6384043',
  5: '9921e77ee6bb5a0e16e4c29fc87c343fc21af0b16d2cadc9a29568fb979fa047',
  6: '8ca8ddd191e9cf2ed2e0758e02aedac296ccb54ab4a85a525f3f61cd32306f82',
  7: '6411f66a3849c79190e3350f6d77dd9344f3aedb1e4bd4b2315fde5145795c68',
  8: '723d57ca9f2ef8d86bb40ff9bf1a5d265be2682f9dc42ffc0316cb8a9fd972e6',
  9: '122892a0c38e6c41e7508b0e3cb0d0e4f3bdf603c77a293c1127c7d91c317119',
  10: 'b9d56e91b2058fed0eb498f793ce1b66c7c60a2483a4eac65654522f4236d6e6',
  11: '33f964c3dd9d34e8fff922e5ee56672385026ddd0b5984417dcabbd778079889',
};

describe('patch layer on the shared corpus', function () {
  before(function () {
    requireCorpus(this);
  });

  it('parses every corpus mail without throwing; the non-quoted ones without errors', () => {
    const files = seriesFiles();
    assert.equal(files.length, 21);
    for (const name of files) {
      const parsed = parsePatchFile(corpus(`series/${name}`), name);
      assert.equal(parsed.messages.length, 1, name);
      const message = parsed.messages[0];
      if (message.quoted) continue;
      assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error'), [], name);
      assert.ok(message.files.every((f) => f.hunks.every((h) => h.countsMatch)), name);
    }
    const hunks = (name: string) => parsePatchFile(corpus(`series/${name}`), name).messages[0].files.flatMap((f) => f.hunks).length;
    assert.deepEqual([1, 2, 7, 9, 11, 12].map((k) => hunks(devJain(k))), [5, 6, 7, 8, 9, 2]);
    assert.deepEqual(['03', '05', '06', '07', '08', '09'].map((k) => hunks(`nico-pache-v9-${k}-14.patch`)), [5, 14, 8, 12, 1, 1]);
  });

  it('extracts the hunks David Hildenbrand quotes (format=flowed) line for line as patch 09 has them', () => {
    const name = 'dev-jain-rfc-v1-09-12-reply-david-hildenbrand.mbox';
    const reply = parsePatchFile(corpus(`series/${name}`), name).messages[0];
    const patch = parsePatchFile(corpus(`series/${devJain(9)}`), devJain(9)).messages[0];
    assert.deepEqual([reply.isReply, reply.quoted, reply.inReplyTo], [true, true, '20241216165105.56185-10-dev.jain@arm.com']);
    const [quotedFile] = reply.files;
    assert.equal(quotedFile.newPath, 'mm/khugepaged.c');
    const strip = (lines: { kind: string; text: string }[]) => lines.map((l) => l.kind + l.text);
    assert.deepEqual(strip(quotedFile.hunks[0].lines), strip(patch.files[0].hunks[0].lines));
    // The second hunk is cut after the reviewer's blank lines resume with more quoted + lines.
    const cut = quotedFile.hunks[1];
    assert.deepEqual(cut.elisionsAt, [20]);
    assert.deepEqual(strip(cut.lines), strip(patch.files[0].hunks[1].lines.slice(0, 26)));
  });

  describe("Dev Jain's RFC v1 series on Linux 6.12.117", () => {
    let series: SeriesResult;
    before(function () {
      requireCorpus(this);
      const inputs = seriesFiles().filter((f) => f.startsWith('dev-jain-rfc-v1-'))
        .map((fileName) => ({ fileName, text: corpus(`series/${fileName}`) }));
      series = buildSeries(inputs, (p) => (p === 'mm/khugepaged.c' ? khugepagedBase() : undefined));
    });

    it('orders cover letter and patches 01..12 and keeps the reply out of the chain', () => {
      assert.deepEqual(series.patches.map((p) => p.message.subjectInfo?.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.equal(series.patches[0].role, 'cover');
      assert.deepEqual(series.problems, []);
      assert.equal(series.reviews.length, 1);
      assert.equal(series.reviews[0].target, 9);
    });

    it('applies the khugepaged.c hunks like patch(1): 50 with offset, 3 with fuzz, 3 failed, none exact', () => {
      assert.deepEqual(hunkStats(series), { exact: 0, offset: 50, fuzz: 3, failed: 3, noBase: 5 });
      const outcome = (status: string) => series.patches.flatMap((p) => p.files.flatMap((f) =>
        (f.apply?.hunks ?? []).filter((h) => h.status === status).map((h) => [p.position, h.hunk + 1, h.fuzz, h.offset])));
      assert.deepEqual(outcome('fuzz'), [[2, 3, 1, -29], [5, 1, 1, 0], [7, 1, 2, 2]]);
      assert.deepEqual(outcome('failed'), [[9, 1, 0, 0], [11, 1, 0, 0], [11, 4, 0, 0]]);
      const messages = series.patches.flatMap((p) => p.files.flatMap((f) => (f.apply?.hunks ?? []).map((h) => h.message)));
      assert.ok(messages.includes('Hunk #3 succeeded at 1826 with fuzz 1 (offset -29 lines).'));
      assert.ok(messages.includes('Hunk #5 succeeded at 2782 (offset -10 lines).'));
    });

    it('explains the three failures by the line where 6.12.y differs from the mm-unstable base', () => {
      const failed = series.patches.flatMap((p) => p.files.flatMap((f) => (f.apply?.hunks ?? []).filter((h) => h.status === 'failed')));
      assert.match(failed[0].message, /context line 15 'if \(pte_none\(pteval\) \|\| is_zero_pfn\(pte_pfn\(pteval\)\)\) \{' \(patch line 57\) does not match base line 725 'if \(pte_none_or_zero\(pteval\)\) \{'/);
      assert.match(failed[1].message, /context line 8 '\* We cover the anon, shmem and the file-backed case here; f…' \(patch line 32\) does not match base line 423 '\* We cover both the anon/);
      assert.match(failed[2].message, /context line 3 'if \(IS_ENABLED\(CONFIG_SHMEM\) && vma->vm_file\) \{' \(patch line 80\) does not match base line 2599 'if \(IS_ENABLED\(CONFIG_SHMEM\) && !vma_is_anonymous\(vma\)\) \{'/);
    });

    it('produces post-images byte-identical to patch(1) after every patch', () => {
      for (let k = 1; k <= 11; k++) {
        const file = series.patches[k].files.find((f) => f.path === 'mm/khugepaged.c')!;
        assert.equal(createHash('sha256').update(file.postImage!).digest('hex'), patchToolSha256[k], `after patch ${k}`);
      }
    });

    it('reports the files without a base as no-base, with post-images per hunk', () => {
      const noBase = series.patches.flatMap((p) => p.files.filter((f) => f.status === 'no-base').map((f) => [p.position, f.path, f.postImageOnly?.length]));
      assert.deepEqual(noBase, [
        [2, 'include/linux/huge_mm.h', 1], [2, 'mm/huge_memory.c', 2], [12, 'tools/testing/selftests/mm/khugepaged.c', 2],
      ]);
    });

    it("maps patch 09's vma_collapse_anon_folio() in the post-image back to its + lines", () => {
      const file = series.patches[9].files.find((f) => f.path === 'mm/khugepaged.c')!;
      const post = file.apply!.postLines;
      const patchLines = corpus(`series/${devJain(9)}`).toString('utf8').split('\n');
      const signature = post.indexOf('static int vma_collapse_anon_folio(struct mm_struct *mm, unsigned long address,');
      // Lines inside the new function (the same text also occurs earlier in the file).
      const find = (text: string) => post.indexOf(text, signature);
      assert.ok(signature > 0, 'the added function is in the post-image');
      assert.deepEqual(file.apply!.lineMap[signature], { origin: 'patch', patchLine: 150 });
      assert.deepEqual(file.apply!.lineMap[find('\tanon_vma_lock_write(vma->anon_vma);')], { origin: 'patch', patchLine: 162 });
      assert.deepEqual(file.apply!.lineMap[find('\tset_ptes(mm, address, pte, entry, nr_pages);')], { origin: 'patch', patchLine: 193 });
      file.apply!.lineMap.forEach((origin, k) => {
        if (origin.origin === 'patch') assert.equal(patchLines[origin.patchLine - 1], '+' + post[k]);
      });
      // After the whole series the function still traces back to patch 09's file.
      const final = series.finalState.files.get('mm/khugepaged.c')!;
      assert.equal(final.state, 'known');
      if (final.state === 'known') {
        const at = final.lines.indexOf('static int vma_collapse_anon_folio(struct mm_struct *mm, unsigned long address,');
        assert.deepEqual(final.provenance[at], { kind: 'patch', position: 9, fileName: devJain(9), line: 150 });
      }
    });

    it("applies David's quoted hunks to patch 09's pre-image", () => {
      const [file] = series.reviews[0].files;
      assert.equal(file.preImage, series.patches[9].files[0].preImage);
      assert.deepEqual(file.apply?.hunks.map((h) => [h.hunk, h.fragment, h.status]), [[0, 0, 'failed'], [1, 0, 'offset'], [1, 1, 'offset']]);
    });
  });
});
