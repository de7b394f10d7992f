// A very small HTML/SVG builder for the diagram renderer. Markup can only be made by `el`, and every string
// passed as a child or an attribute value is escaped, so data (function names, subjects, file names, messages)
// cannot become markup by accident: a plain `string` child is always text.
import { escapeHtml } from './escape';

/** Markup made by `el` (or `join`). A plain string is never markup. */
export interface Html {
  readonly html: string;
}

export type Child = Html | string | number | false | null | undefined;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const NAME = /^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?$/i;
/** Attribute names that would run script or load content: the renderer never emits them. */
const FORBIDDEN = /^on|^(href|src|srcdoc|style|formaction|xlink:href|action)$/i;
const VOID = new Set(['br', 'wbr', 'img', 'input', 'meta', 'link', 'hr']);

export function el(tag: string, attrs: Attrs, ...children: Child[]): Html {
  if (!NAME.test(tag)) throw new Error(`diagram: bad tag name ${tag}`);
  let open = `<${tag}`;
  for (const [name, value] of Object.entries(attrs)) {
    if (!NAME.test(name) || FORBIDDEN.test(name)) throw new Error(`diagram: attribute ${name} is not allowed`);
    if (value === undefined || value === null || value === false) continue;
    open += value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  }
  if (VOID.has(tag)) return { html: `${open}>` };
  return { html: `${open}>${join(children).html}</${tag}>` };
}

export function join(children: Child[]): Html {
  let html = '';
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    html += typeof c === 'object' ? c.html : escapeHtml(c);
  }
  return { html };
}

/** Class attribute value from optional parts. */
export function cls(...parts: (string | false | undefined)[]): string {
  return parts.filter(Boolean).join(' ');
}
