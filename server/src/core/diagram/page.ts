// The HTML document around a diagram, for the webview panel and for the CLI's standalone report: one strict
// Content-Security-Policy for both. Nothing may load from the network; scripts and styles run only with this
// page's nonce (or, in the webview, styles from the extension's own webview folder); no inline event
// handlers, no `style` attributes, no plugins, no <base>, no forms. Data never reaches this file unescaped:
// the body comes from renderDiagram, the title goes through escapeHtml.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './escape';

export type PageAsset = { uri: string } | { inline: string };

export interface PageOptions {
  title: string;
  /** From makeNonce(): a fresh one for every page. */
  nonce: string;
  /** The webview's `cspSource`; absent for a standalone file, which then may load nothing at all. */
  cspSource?: string;
  styles: PageAsset[];
  scripts: PageAsset[];
  /** A fragment from renderDiagram, or '' for a panel that receives its model by message. */
  body: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(nonce: string, cspSource?: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('diagram page: the nonce must be base64 from makeNonce()');
  // The webview's source list (code-server: `'self' https://*.vscode-cdn.net`): sources, never a new directive.
  if (cspSource !== undefined && !/^[^;,\r\n]+$/.test(cspSource)) throw new Error('diagram page: bad cspSource');
  const source = cspSource ? `${cspSource} ` : '';
  return [
    "default-src 'none'",
    `img-src ${source}data:`,
    `style-src ${source}'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function diagramPage(options: PageOptions): string {
  const nonce = escapeHtml(options.nonce);
  const styles = options.styles.map((s) => ('uri' in s
    ? `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(s.uri)}">`
    : `<style nonce="${nonce}">${inlineSafe(s.inline, 'style')}</style>`));
  const scripts = options.scripts.map((s) => ('uri' in s
    ? `<script nonce="${nonce}" src="${escapeHtml(s.uri)}"></script>`
    : `<script nonce="${nonce}">${inlineSafe(s.inline, 'script')}</script>`));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.nonce, options.cspSource))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(options.title)}</title>`,
    ...styles,
    '</head>',
    '<body>',
    `<main id="mmd-root">${options.body}</main>`,
    ...scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Our own bundled script or stylesheet, inlined: it must not end its element early. The bundles contain no
 * data, but a `</script` inside a string literal would still close the element.
 */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}
