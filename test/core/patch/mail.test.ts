import * as assert from 'node:assert/strict';
import { parsePatchFile, parseSubject } from '../../../server/src/core/patch';
import { fixture, fixtureLines } from './helpers';

describe('patch mail layer', () => {
  describe('splitting the input into messages', () => {
    it('splits a git format-patch mbox at its From lines, keeping original line numbers', () => {
      const file = parsePatchFile(fixture('series-3.mbox'), 'series-3.mbox');
      assert.equal(file.format, 'mbox');
      assert.deepEqual(file.messages.map((m) => m.startLine), [1, 29, 54, 116]);
      assert.deepEqual(file.messages.map((m) => m.subjectInfo?.index), [2, 0, 3, 1]);
      assert.equal(file.messages[3].endLine, file.lineCount);
    });

    it('unescapes mboxrd ">From " lines and does not split at a "From" line without a date', () => {
      const file = parsePatchFile(fixture('series-3.mbox'), 'series-3.mbox');
      const body = file.messages[3].body;
      const escaped = body.find((l) => l.text.startsWith('From the start'));
      assert.ok(escaped, 'the >From line is unescaped');
      assert.equal(fixtureLines('series-3.mbox')[escaped.line - 1], '>From the start, the lock is held while counting.');
      assert.ok(body.some((l) => l.text === 'From the very beginning this was simple.'));
      assert.equal(file.messages.length, 4);
    });

    it('splits concatenated format-patch files at git\'s fixed-date From line even without an empty line', () => {
      const one = 'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/2] a\n\n' +
        '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.5\n';
      const file = parsePatchFile(one + one.replace('1/2', '2/2'), 'cat.mbox');
      assert.deepEqual(file.messages.map((m) => [m.startLine, m.subjectInfo?.index]), [[1, 1], [11, 2]]);
    });

    it('reads a single mail (no mbox separator) and a plain diff without headers', () => {
      const mail = parsePatchFile(fixture('quoted-printable.eml'), 'qp.eml');
      assert.equal(mail.format, 'mail');
      assert.equal(mail.messages[0].messageId, 'qp-1@example.org');
      const diff = parsePatchFile(fixture('plain-unified.diff'), 'plain.diff');
      assert.equal(diff.format, 'diff');
      assert.equal(diff.messages[0].headers.length, 0);
      assert.equal(diff.messages[0].files.length, 1);
    });

    it('does not mistake an svn-style "Index:" line for a mail header', () => {
      const text = 'Index: demo.c\n===================================================================\n' +
        '--- demo.c\n+++ demo.c\n@@ -1 +1 @@\n-a\n+b\n';
      const file = parsePatchFile(text, 'svn.diff');
      assert.equal(file.format, 'diff');
      assert.equal(file.messages[0].files[0].hunks.length, 1);
    });
  });

  describe('headers and subjects', () => {
    it('unfolds headers and decodes RFC 2047 Q and B encoded-words', () => {
      const qp = parsePatchFile(fixture('quoted-printable.eml'), 'qp.eml').messages[0];
      assert.equal(qp.subject, '[PATCH] demo: comment the lock, café edition');
      const b64 = parsePatchFile(fixture('base64.eml'), 'b64.eml').messages[0];
      assert.equal(b64.subject, '[PATCH v2 1/1] demo: clamp the counter ≥ 0');
      assert.deepEqual([b64.subjectInfo?.version, b64.subjectInfo?.index, b64.subjectInfo?.total], [2, 1, 1]);
      const latin = parsePatchFile(fixture('latin1.eml'), 'latin1.eml').messages[0];
      assert.equal(latin.subject, '[PATCH] demo: déjà vu');
    });

    it('takes patch subjects apart', () => {
      const s = parseSubject('[RFC PATCH v2 09/12] khugepaged: Introduce vma_collapse_anon_folio()');
      assert.deepEqual(
        { version: s.version, index: s.index, total: s.total, isRfc: s.isRfc, tags: s.tags, title: s.title, isReply: s.isReply },
        { version: 2, index: 9, total: 12, isRfc: true, tags: ['RFC', 'PATCH'], title: 'khugepaged: Introduce vma_collapse_anon_folio()', isReply: false });
      const reply = parseSubject('Re: AW: [PATCH 3/5] mm: x');
      assert.equal(reply.isReply, true);
      assert.equal(reply.index, 3);
      const packed = parseSubject('[PATCHv3 0/7] cover');
      assert.deepEqual([packed.version, packed.index, packed.total, packed.tags], [3, 0, 7, ['PATCH']]);
      const tree = parseSubject('[PATCH mm-unstable v4 1/2] mm: y');
      assert.deepEqual([tree.tags, tree.version, tree.index], [['PATCH', 'mm-unstable'], 4, 1]);
      const plain = parseSubject('just words');
      assert.deepEqual([plain.index, plain.title], [undefined, 'just words']);
    });

    it('marks the 0/N message as the cover letter', () => {
      const file = parsePatchFile(fixture('series-3.mbox'), 'series-3.mbox');
      assert.deepEqual(file.messages.map((m) => m.isCoverLetter), [false, true, false, false]);
      assert.equal(file.messages[1].files.length, 0);
    });
  });

  describe('transfer encodings and charsets', () => {
    it('decodes quoted-printable (soft breaks, =3D, =20) and maps each line to where it starts', () => {
      const message = parsePatchFile(fixture('quoted-printable.eml'), 'qp.eml').messages[0];
      const original = fixtureLines('quoted-printable.eml');
      assert.equal(message.bodyEncoding, 'quoted-printable');
      const long = message.body.find((l) => l.text.includes('has to wrap it'));
      assert.equal(long?.text, '+\t/* Not a real lock: this comment is long enough that quoted-printable has to wrap it, café. */');
      assert.ok(original[long.line - 1].endsWith('has='), 'maps to the first of the two encoded lines');
      const assignment = message.body.find((l) => l.text === '+\td->count = d->count;');
      assert.equal(original[assignment!.line - 1], '+\td->count =3D d->count;');
      const hunk = message.files[0].hunks[0];
      assert.equal(hunk.countsMatch, true);
      assert.equal(hunk.lines[0].kind, ' ');
      assert.equal(hunk.lines[0].text, '', 'an =20 line is an empty context line');
      assert.deepEqual(message.problems, []);
    });

    it('decodes base64 bodies; a line maps to the encoded line holding its first byte', () => {
      const message = parsePatchFile(fixture('base64.eml'), 'b64.eml').messages[0];
      const original = fixtureLines('base64.eml');
      assert.equal(message.bodyEncoding, 'base64');
      assert.ok(message.body.some((l) => l.text === '+\tif (d->count < 0)'));
      const bodyStart = original.indexOf('') + 2;
      for (const l of message.body) assert.ok(l.line >= bodyStart && l.line <= original.length, `line ${l.line} in the body`);
      for (let k = 1; k < message.body.length; k++) assert.ok(message.body[k].line >= message.body[k - 1].line);
      // "@@ -30,6 ..." starts at decoded byte 169 → base64 char 224 → the third encoded line (76 chars a line).
      const header = message.files[0].hunks[0];
      assert.equal(header.headerLine, bodyStart + 2);
      assert.equal(message.files[0].hunks[0].countsMatch, true);
    });

    it('decodes an ISO-8859-1 8bit body with its charset (bytes) and keeps editor text as is (string)', () => {
      const fromBytes = parsePatchFile(fixture('latin1.eml'), 'latin1.eml').messages[0];
      const plus = fromBytes.files[0].hunks[0].lines.find((l) => l.kind === '+');
      assert.equal(plus?.text, '\td->count -= n; /* déjà vu */');
      const fromText = parsePatchFile(fixture('latin1.eml').toString('latin1'), 'latin1.eml').messages[0];
      assert.deepEqual(fromText.files, fromBytes.files);
    });

    it('replaces invalid UTF-8 bytes with U+FFFD instead of failing', () => {
      const file = parsePatchFile(fixture('invalid-utf8.eml'), 'bad.eml');
      const message = file.messages[0];
      assert.ok(message.body.some((l) => l.text.includes('caf\uFFFD') && l.text.includes('lone \uFFFD')));
      assert.equal(message.files[0].hunks[0].countsMatch, true);
      assert.equal(file.problems.filter((p) => p.severity === 'error').length, 0);
    });

    it('normalizes CRLF: same diff, same line numbers as the LF file', () => {
      const crlf = parsePatchFile(fixture('crlf.patch'), 'crlf.patch');
      const lf = parsePatchFile(fixture('two-files.patch'), 'two-files.patch');
      assert.equal(crlf.lineCount, lf.lineCount);
      assert.deepEqual(crlf.messages[0].files, lf.messages[0].files);
      assert.ok(crlf.messages[0].body.every((l) => !l.text.includes('\r')));
    });

    it('multipart: reads the text/plain alternative and the text/x-patch attachment, skips html and images', () => {
      const file = parsePatchFile(fixture('multipart.eml'), 'mp.eml');
      const message = file.messages[0];
      assert.deepEqual(message.files.map((f) => f.newPath), ['NOTES', 'demo.c']);
      assert.equal(message.body.filter((l) => l.text.includes('The patch is attached.')).length, 1);
      assert.deepEqual(file.problems.map((p) => p.message), ['MIME part of type text/html skipped', 'MIME part of type image/png skipped']);
      assert.ok(message.files.every((f) => f.hunks.every((h) => h.countsMatch)));
    });

    it('reports an unterminated multipart body and an unknown transfer encoding', () => {
      const text = 'Subject: x\nContent-Type: multipart/mixed; boundary=b\nMIME-Version: 1.0\n\n--b\n' +
        'Content-Transfer-Encoding: x-weird\n\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n';
      const file = parsePatchFile(text, 'x.eml');
      assert.ok(file.problems.some((p) => p.message.includes('not terminated by "--b--"')));
      assert.ok(file.problems.some((p) => p.message.includes('unknown Content-Transfer-Encoding "x-weird"') && p.line === 6));
      assert.equal(file.messages[0].files[0].hunks[0].lines.length, 2);
    });
  });
});
