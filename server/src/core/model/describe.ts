// What a kernel lock call does, in words, for hovers and reports: the API table read aloud.
import { FAMILIES, apiRow, type LockEffect, type ReturnSpec } from './api';
import { protocolRow } from './protocol';

/** Markdown lines describing `callee`'s lock effects; empty when it is not a lock call the checker knows. */
export function describeLockCall(callee: string, args: string[]): string[] {
  const row = apiRow(callee);
  if (!row) return [];
  const lines: string[] = [];
  for (const effect of row.effects ?? []) lines.push(describeEffect(effect, args));
  for (const outcome of row.outcomes ?? []) {
    const when = `when it returns ${describeReturn(outcome.returns)}`;
    lines.push(outcome.effects.length === 0
      ? `${when}: takes nothing`
      : `${when}: ${outcome.effects.map((e) => describeEffect(e, args)).join(', ')}`);
  }
  return lines;
}

function describeEffect(effect: LockEffect, args: string[]): string {
  const traits = FAMILIES[effect.family];
  const what = effect.role ? `the ${effect.role} (${traits.label})` : `the ${traits.label}`;
  const mode = effect.mode ? ` for ${effect.mode}` : '';
  const target = typeof effect.key === 'object'
    ? args[effect.key.arg] ? ` \`${args[effect.key.arg]}\`` : ` (argument ${effect.key.arg + 1})`
    : effect.key === 'result' ? ' returned by the call' : '';
  const kind = traits.sleeps ? 'sleeping' : 'atomic: nothing may sleep while it is held';
  switch (effect.op) {
    case 'acquire': return `acquires ${what}${target}${mode} (${kind})`;
    case 'release': return `releases ${what}${target}${mode}`;
    case 'downgrade': return `downgrades ${what}${target} from write to read`;
    case 'release-all': return `ends every ${traits.label} still held`;
    case 'assert-held': return `checks that ${what}${target} is held${mode} (by the caller, if not taken here)`;
    case 'hand-off': return `hands the ${traits.label} of${target} over to its next owner (no longer this function's to release)`;
    // An effect added to the core's table after this file was written: say what the table says.
    default: return `${String(effect.op)}: ${what}${target}`;
  }
}

function describeReturn(spec: ReturnSpec): string {
  if (typeof spec === 'string') return RETURN_WORDS[spec] ?? spec;
  if ('eq' in spec) return spec.eq;
  if ('ne' in spec) return `anything but ${spec.ne}`;
  if ('clear' in spec) return `a value with none of ${spec.clear.split('|').join(', ')} set`;
  return JSON.stringify(spec);
}

/** Return specs of the core's table in words; a spec added later is shown as the table spells it. */
const RETURN_WORDS: Record<string, string> = {
  zero: '0 / NULL / false',
  nonzero: 'nonzero / non-NULL / true',
  negative: 'a negative error code',
  'valid-pointer': 'a valid pointer',
  'error-pointer': 'an error pointer (IS_ERR)',
  any: 'any value (the outcome is told by what it writes through a pointer argument)',
};

/** What a protocol call is, for hovers: its title, protocol steps, the paragraph, and the rules it is checked against. */
export interface ProtocolCallDescription {
  title: string;
  steps: string[];
  doc: string;
  requires: string[];
  sleeps: boolean;
}

export function describeProtocolCall(callee: string): ProtocolCallDescription | undefined {
  const row = protocolRow(callee);
  if (!row) return undefined;
  const steps = [row.steps?.proposed && `step ${row.steps.proposed} of the proposed mTHP protocol`, row.steps?.mainline && `mainline ${row.steps.mainline}`]
    .filter((x): x is string => !!x);
  return { title: row.title, steps, doc: row.doc, requires: [...(row.requires ?? []), ...(row.use ? [`unreachable:${row.use}`] : [])], sleeps: !!row.sleeps };
}
