// DiagramModel → an HTML fragment with one inline SVG rail per step row. The same function draws the webview
// panel (called by the page script in the webview) and the CLI's standalone report (called on the server),
// so the two cannot drift apart. Layout: the steps run downwards in rows grouped by protocol band; each row
// has the step number, the lanes' rail, the call, and the state strip (PMD, PTE table, TLB, notifier). At
// narrow widths the stylesheet moves the strip under the call (see diagram.css). Interaction (selection,
// step controls, reveal) is added by the page script from the data-* attributes; without it the fragment is
// still a complete, readable picture.
import { cls, el, join, type Child, type Html } from './html';
import {
  LOCK_KIND_LABELS, lockKind, POST_IMAGE_FILE_PREFIX, type DiagramBand, type DiagramModel, type DiagramStep, type LockKind,
  type SourceLocation,
} from './model';
import { railGap, railHeading, railLayout, railMark, railRow, type RailLayout } from './rail';

export function renderDiagram(model: DiagramModel): string {
  const layout = railLayout(model);
  const interactive = model.mode === 'simulation' && model.steps.length > 0;
  const first = model.highlight?.step ?? 0;
  return el('article', {
    class: cls('mmd', `mmd-mode-${model.mode}`), 'data-steps': model.steps.length, 'data-highlight': model.highlight?.step,
    'data-current': model.steps.length ? (interactive ? 0 : first) : undefined, 'aria-label': model.title,
  },
  header(model),
  interactive && controls(model),
  model.steps.length || model.bands.length ? grid(model, layout) : el('p', { class: 'mmd-empty' }, 'There is no trace to show.'),
  model.steps.length ? detail(model, interactive ? 0 : first) : undefined,
  ).html;
}

function header(model: DiagramModel): Html {
  const kinds = [...new Set(model.lockBars.map((b) => lockKind(b.lock)))];
  return el('header', { class: 'mmd-header' },
    el('h1', { class: 'mmd-title' }, model.title),
    model.subtitle && el('p', { class: 'mmd-subtitle' }, model.subtitle),
    el('p', { class: cls('mmd-verdict', `mmd-verdict-${model.verdict.kind}`), role: 'status' }, model.verdict.text),
    el('ol', { class: 'mmd-lanes', 'aria-label': 'Lanes (threads)' }, ...model.lanes.map((lane) => el('li', { class: 'mmd-lane' },
      el('span', { class: cls('mmd-lane-tag', `mmd-lanecolor-${lane.index % 8}`) }, String(lane.index + 1)),
      ' ', el('span', { class: 'mmd-lane-name' }, lane.label),
      lane.role === 'actor' && el('span', { class: 'mmd-lane-role' }, ' (actor)'),
      lane.summary && el('span', { class: 'mmd-lane-summary' }, `: ${lane.summary}`)))),
    kinds.length > 0 && el('ul', { class: 'mmd-lock-legend', 'aria-label': 'Lock bars' }, ...kinds.map((k) => lockLegend(k))),
    // One note is shown; more (the function's findings, coverage) fold away so the steps stay in view.
    model.notes.length > 0 && el('details', { class: 'mmd-notes-box', open: model.notes.length === 1 },
      el('summary', {}, model.notes.length === 1 ? 'Note' : `${model.notes.length} notes`),
      el('ul', { class: 'mmd-notes' }, ...model.notes.map((n) => el('li', {}, n)))),
  );
}

function lockLegend(kind: LockKind): Html {
  return el('li', {},
    el('svg', { class: 'mmd-swatch', width: 10, height: 10, viewBox: '0 0 10 10', 'aria-hidden': 'true', focusable: 'false' },
      el('rect', { class: cls('mmd-bar', `lock-${kind}`), x: 3, y: 0, width: 4, height: 10 })),
    ' ', LOCK_KIND_LABELS[kind]);
}

function controls(model: DiagramModel): Html {
  const button = (action: string, label: string, keys: string, title: string) =>
    el('button', { type: 'button', class: 'mmd-button', 'data-action': action, 'aria-keyshortcuts': keys, title }, label);
  return el('nav', { class: 'mmd-controls', 'aria-label': 'Trace controls' },
    button('first', '|◀ First', 'Home', 'First step (Home)'),
    button('prev', '◀ Back', 'ArrowLeft', 'Step back (←)'),
    el('span', { class: 'mmd-position', 'aria-live': 'polite' }, `Step 1 of ${model.steps.length}`),
    button('next', 'Forward ▶', 'ArrowRight', 'Step forward (→)'),
    button('last', 'Last ▶|', 'End', 'Last step (End)'),
    model.highlight && button('highlight', `Go to ${model.highlight.rule}`, 'H', 'The step that breaks the rule (H)'),
  );
}

function grid(model: DiagramModel, layout: RailLayout): Html {
  const heads = el('div', { class: 'mmd-row mmd-colheads', 'aria-hidden': 'true' },
    el('span', { class: 'mmd-num' }, '#'), railHeading(layout), el('span', { class: 'mmd-call' }, 'Call'),
    ...model.strip.map((row) => el('span', { class: cls('mmd-cell', `mmd-cell-${row.key}`) }, row.label)));
  const inBand = new Set<number>();
  let nextRow = 0;
  const sections = model.bands.map((band, i) => {
    const rows: Html[] = [];
    for (let s = band.fromStep; s >= 0 && s <= band.toStep; s++) {
      inBand.add(s);
      rows.push(stepRow(model, layout, model.steps[s]));
    }
    const section = bandSection(model, layout, band, i, rows, band.missing ? nextRow : band.fromStep);
    if (!band.missing) nextRow = band.toStep + 1;
    return section;
  });
  const loose = model.steps.filter((s) => !inBand.has(s.index));
  if (loose.length) {
    sections.push(el('section', { class: 'mmd-band' },
      el('ol', { class: 'mmd-steps', start: loose[0].index + 1 }, ...loose.map((s) => stepRow(model, layout, s)))));
  }
  return el('div', { class: 'mmd-grid' }, heads, ...sections);
}

function bandSection(model: DiagramModel, layout: RailLayout, band: DiagramBand, i: number, rows: Html[], beforeRow: number): Html {
  const id = `mmd-band-${i}`;
  return el('section', { class: cls('mmd-band', band.missing && 'is-missing'), 'aria-labelledby': id, 'data-band': band.id },
    el('div', { class: 'mmd-row mmd-band-head' },
      el('span', { class: 'mmd-num' }),
      railGap(model, layout, beforeRow),
      el('h2', { class: 'mmd-band-title', id },
        el('span', { class: 'mmd-band-id' }, band.id === 'before-a' ? '·' : band.id), ' ', band.title,
        band.missing && el('span', { class: 'mmd-missing' }, 'missing'))),
    band.missing
      ? el('div', { class: 'mmd-row mmd-missing-row' },
        el('span', { class: 'mmd-num' }), railGap(model, layout, beforeRow),
        el('p', { class: 'mmd-missing-text' }, 'No call for this step was found in the function.'))
      : el('ol', { class: 'mmd-steps', start: band.fromStep + 1 }, ...rows));
}

function stepRow(model: DiagramModel, layout: RailLayout, step: DiagramStep): Html {
  const i = step.index;
  const lane = model.lanes[step.lane];
  const highlighted = model.highlight?.step === i;
  const cells = model.strip.map((row) => {
    const value = row.values[i] ?? '';
    // Printed when it changed (always on the racing step); an unknown value ('') is never printed.
    const changed = value !== '' && (i === 0 || value !== (row.values[i - 1] ?? '') || highlighted);
    return el('span', { class: cls('mmd-cell', `mmd-cell-${row.key}`, changed && 'is-changed'), 'data-label': row.label, title: value || undefined },
      changed ? value : el('span', { class: 'mmd-visually-hidden' }, 'unchanged'));
  });
  return el('li', {
    class: cls('mmd-row', 'mmd-step', highlighted && 'is-highlight', step.location && 'has-location'),
    'data-step': i, 'data-lane': step.lane, tabindex: -1,
  },
  el('span', { class: 'mmd-num' }, String(i + 1)),
  railRow(model, layout, i),
  railMark(model, layout, i),
  el('span', { class: 'mmd-call' },
    // Actor steps carry the actor's name; the collapse thread's are untagged (its lane is the first column).
    lane?.role === 'actor' &&
      el('span', { class: cls('mmd-thread', `mmd-lanecolor-${step.lane % 8}`) }, lane.short),
    ' ', el('code', { class: 'mmd-op' }, ...callLabel(step)),
    lockDeltas(model, step),
    step.location && el('span', { class: 'mmd-loc' }, locationText(step.location)),
    highlighted && model.highlight && join([
      el('strong', { class: 'mmd-rule' }, model.highlight.rule),
      el('span', { class: 'mmd-rule-message' }, model.highlight.message),
    ])),
  ...cells,
  el('div', { class: 'mmd-state', hidden: true }, stateList(model, step)),
  );
}

/** The call's label with a line-break opportunity before its arguments (long kernel names in a narrow column). */
function callLabel(step: DiagramStep): Child[] {
  if (!step.label.startsWith(`${step.op}(`)) return [step.label];
  return [step.op, el('wbr', {}), step.label.slice(step.op.length)];
}

/** `+A:W` for the locks taken at this step, `−pml` for those released (lane-prefixed when another lane's). */
function lockDeltas(model: DiagramModel, step: DiagramStep): Child {
  const name = (lane: number, lock: string) => (lane === step.lane ? lock : `${model.lanes[lane]?.short ?? lane}: ${lock}`);
  const taken = model.lockBars.filter((b) => b.fromStep === step.index);
  const released = model.lockBars.filter((b) => b.toStep === step.index - 1);
  if (!taken.length && !released.length) return undefined;
  return el('span', { class: 'mmd-deltas' },
    ...taken.map((b) => el('span', { class: cls('mmd-delta', 'is-taken', `lock-${lockKind(b.lock)}`), title: `takes ${b.lock}` }, `+${name(b.lane, b.lock)}`)),
    ...released.map((b) => el('span', { class: cls('mmd-delta', 'is-released'), title: `releases ${b.lock}` }, `−${name(b.lane, b.lock)}`)));
}

function stateList(model: DiagramModel, step: DiagramStep): Html {
  return join([
    el('h2', { class: 'mmd-detail-title' }, `After step ${step.index + 1}: ${step.label}`),
    step.location && el('p', { class: 'mmd-detail-loc' }, locationText(step.location)),
    el('ul', { class: 'mmd-detail-list' }, ...step.stateAfter.map((line) => el('li', {}, line))),
  ]);
}

function detail(model: DiagramModel, current: number): Html {
  const step = model.steps[current];
  return el('section', { class: 'mmd-detail', 'aria-live': 'polite', 'aria-label': 'State after the selected step' },
    step ? stateList(model, step) : undefined);
}

/** `khugepaged.c:1181`, from a path, a file: URI or a post-image URI (`mmreview-post:/mm/x.c?KEY`). */
export function locationText(loc: SourceLocation): string {
  if (!loc.file) return `line ${loc.line}`;
  const postImage = loc.file.startsWith(POST_IMAGE_FILE_PREFIX);
  const path = loc.file.replace(/[?#].*$/, '');
  let name = path.slice(path.lastIndexOf('/') + 1) || path;
  try {
    name = decodeURIComponent(name);
  } catch { /* keep it encoded */ }
  return `${name}:${loc.line}${postImage ? ' (after the patch)' : ''}`;
}
