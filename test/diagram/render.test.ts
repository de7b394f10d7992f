// The renderer's escaping and the page's Content-Security-Policy, checked on the markup (the browser tests
// check that nothing runs).
import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, diagramPage, escapeHtml, fromSimulation, makeNonce, renderDiagram } from '../../server/src/core/diagram';
import { el } from '../../server/src/core/diagram/html';
import { handTrace, hostileModel, PAYLOADS } from './fixtures';

describe('diagram rendering: escaping', () => {
  it('escapeHtml escapes the five HTML specials and the backtick, and drops NUL', () => {
    assert.equal(escapeHtml('<a href="x" onclick=\'y\'>&`\0'), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml(42), '42');
    for (const p of PAYLOADS) assert.doesNotMatch(escapeHtml(p), /[<>"']/);
  });

  it('the builder escapes text and attribute values, and refuses script-capable attributes and bad names', () => {
    assert.equal(el('span', { title: '"><b>' }, '<i>').html, '<span title="&quot;&gt;&lt;b&gt;">&lt;i&gt;</span>');
    for (const name of ['onclick', 'onload', 'style', 'href', 'src', 'srcdoc', 'xlink:href', 'a b', '"x']) {
      assert.throws(() => el('span', { [name]: 'x' }), /not allowed|bad/, name);
    }
    assert.throws(() => el('scr ipt', {}), /bad tag/);
  });

  it('renders a hostile model with every payload as text: no markup, handler or URL from the data', () => {
    const html = renderDiagram(hostileModel());
    // The markup with attribute values blanked (an escaped value holds no raw quote): only the renderer's
    // own attribute names may be left.
    const markup = (html.match(/<[^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""')).join('\n');
    assert.doesNotMatch(markup, /\son\w+=|\s(href|src|srcdoc|style|xlink:href)=|javascript:/i);
    // Every tag in the output is one the renderer makes.
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9-]*)/gi)].map((m) => m[1].toLowerCase()));
    const allowed = ['article', 'header', 'h1', 'h2', 'p', 'ol', 'ul', 'li', 'span', 'nav', 'button', 'div', 'section', 'code',
      'strong', 'svg', 'rect', 'line', 'text', 'details', 'summary', 'wbr'];
    assert.deepEqual([...tags].filter((t) => !allowed.includes(t)), []);
    assert.ok(html.includes(escapeHtml(PAYLOADS[1])), 'the payloads are shown, escaped');
  });

  it('renders the known trace: lanes, bands, every step, the highlight', () => {
    const { result, trace } = handTrace();
    const html = renderDiagram(fromSimulation(result, trace, { threads: ['collapse_huge_page', 'gup-fast'] }));
    assert.equal((html.match(/class="mmd-row mmd-step/g) ?? []).length, 6);
    assert.match(html, /data-band="before-a"[\s\S]*data-band="a"[\s\S]*data-band="b"/);
    assert.match(html, /class="mmd-row mmd-step is-highlight[^"]*" data-step="5"/);
    assert.match(html, /GUP-FAST-SYNC/);
  });
});

describe('diagram page: Content-Security-Policy', () => {
  it('allows only nonce\'d scripts and styles (plus the webview\'s own styles), nothing remote', () => {
    const nonce = makeNonce();
    assert.equal(contentSecurityPolicy(nonce, 'https://file+.vscode-resource.vscode-cdn.net'),
      `default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-${nonce}'; ` +
      `script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`);
    assert.equal(contentSecurityPolicy(nonce), `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`);
    assert.throws(() => contentSecurityPolicy("x' 'unsafe-inline"), /nonce/);
    assert.throws(() => contentSecurityPolicy(nonce, "https://x; script-src *"), /cspSource/);
    assert.match(contentSecurityPolicy(nonce, "'self' https://*.vscode-cdn.net"), /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
  });

  it('makes a fresh nonce each time, and puts it on every script and style it emits', () => {
    assert.notEqual(makeNonce(), makeNonce());
    const nonce = makeNonce();
    const page = diagramPage({
      title: PAYLOADS[1], nonce, styles: [{ inline: 'p{}' }, { uri: 'https://a/b.css' }], scripts: [{ inline: 'var s="</script><b>"' }, { uri: 'https://a/b.js' }],
      body: '',
    });
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    assert.equal((page.match(/<script/g) ?? []).length, 2);
    assert.equal((page.match(new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}"`, 'g')) ?? []).length, 2);
    assert.equal((page.match(/<style nonce=|<link rel="stylesheet" nonce=/g) ?? []).length, 2);
    assert.ok(page.includes('var s="<\\/script><b>"'), 'an inlined script cannot close its element');
    assert.ok(page.includes(`<title>${escapeHtml(PAYLOADS[1])}</title>`));
  });
});
