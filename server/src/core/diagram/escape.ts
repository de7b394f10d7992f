// The one escaping helper of the diagram renderer. Every string that reaches the diagram's HTML, in text or in
// an attribute value, goes through escapeHtml: function names, lock names, file names, patch subjects and
// simulator messages can all come from a hostile patch or mail.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for HTML element content and for quoted attribute values (the renderer always quotes them with
 * `"`). Also drops the characters HTML forbids outright (NUL, lone surrogates stay: the browser shows U+FFFD).
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/\0/g, '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/**
 * A value that is safe inside a `class` attribute and as a CSS class: letters, digits, `-` and `_` only. Class
 * names the renderer derives from data (lock kinds, step ids) go through this as well as through escapeHtml.
 */
export function classToken(value: unknown): string {
  return String(value ?? '').replace(/[^A-Za-z0-9_-]/g, '_');
}
