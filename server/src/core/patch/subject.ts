// Subject lines of patch mails: `[RFC PATCH v2 09/12] khugepaged: ...`, `Re: [PATCH 3/5] ...`, `[PATCHv3 0/7]`.
// The k/N numbering is what orders a series (git format-patch / b4 write it; mail arrival order means nothing).
import type { PatchSubject } from './types';

const replyPrefix = /^\s*(?:re|aw|sv|antw|fwd?)\s*(?:\[\d+\])?\s*:\s*/i;

export function parseSubject(subject: string): PatchSubject {
  let rest = subject.replace(/\s+/g, ' ').trim();
  let isReply = false;
  for (let m = replyPrefix.exec(rest); m; m = replyPrefix.exec(rest)) {
    isReply = true;
    rest = rest.slice(m[0].length);
  }
  const info: PatchSubject = { raw: subject, isReply, tags: [], isRfc: false, title: '' };
  // Bracketed groups, possibly several (`[PATCH] [RFC]`), each holding space- or comma-separated tokens.
  for (let m = /^\[([^\]]*)\]\s*/.exec(rest); m; m = /^\[([^\]]*)\]\s*/.exec(rest)) {
    for (const token of m[1].split(/[\s,]+/).filter((t) => t !== '')) addToken(info, token);
    rest = rest.slice(m[0].length);
    // A `Re:` can also follow the brackets when a list prepends its own tag.
    const reply = replyPrefix.exec(rest);
    if (reply) {
      info.isReply = true;
      rest = rest.slice(reply[0].length);
    }
  }
  info.title = rest.trim();
  return info;
}

function addToken(info: PatchSubject, token: string): void {
  const version = /^(?:patch)?v(\d{1,4})$/i.exec(token);
  const numbering = /^(\d{1,5})\/(\d{1,5})$/.exec(token);
  if (numbering) {
    info.index = Number(numbering[1]);
    info.total = Number(numbering[2]);
    return;
  }
  if (version) {
    info.version = Number(version[1]);
    // `PATCHv3` carries the PATCH tag too.
    if (/^patch/i.test(token)) info.tags.push('PATCH');
    return;
  }
  if (/^rfc$/i.test(token)) info.isRfc = true;
  info.tags.push(token);
}
