// The diagram page's script, bundled to dist/webview/diagram.js. In the VS Code panel it receives the model by
// message, draws it with the same renderer the CLI uses, and asks the extension to reveal a step's source;
// in the CLI's HTML report the markup is already there and it only adds the interaction. Either way the
// interaction is: select a step (click, arrow keys), step forward and back through a trace, see the state
// after the selected step.
import { renderDiagram } from '../../../server/src/core/diagram/render';
import type { DiagramModel } from '../../../server/src/core/diagram/model';
import type { DiagramHostMessage, DiagramWebviewMessage } from '../../../server/src/lsp-ext';

interface VsCodeApi {
  postMessage(message: DiagramWebviewMessage): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

interface SavedState {
  model: DiagramModel;
  current: number;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const root = document.getElementById('mmd-root');
let model: DiagramModel | undefined;

/** The interaction on one rendered diagram. */
class DiagramView {
  private readonly rows: HTMLElement[];
  private readonly progressive: boolean;
  private current = 0;

  constructor(private readonly article: HTMLElement) {
    this.rows = [...article.querySelectorAll<HTMLElement>('.mmd-step')].sort((a, b) => stepOf(a) - stepOf(b));
    this.progressive = article.classList.contains('mmd-mode-simulation');
    article.classList.add('is-live');
    article.addEventListener('click', (e) => this.onClick(e));
    article.addEventListener('keydown', (e) => this.onKey(e));
    for (const row of this.rows) row.setAttribute('role', 'button');
  }

  select(index: number, how: { focus?: boolean; reveal?: boolean } = {}): void {
    if (this.rows.length === 0) return;
    this.current = Math.max(0, Math.min(index, this.rows.length - 1));
    this.rows.forEach((row, i) => {
      const isCurrent = i === this.current;
      row.classList.toggle('is-current', isCurrent);
      row.classList.toggle('is-future', this.progressive && i > this.current);
      row.tabIndex = isCurrent ? 0 : -1;
      if (isCurrent) row.setAttribute('aria-current', 'step');
      else row.removeAttribute('aria-current');
    });
    this.article.dataset.current = String(this.current);
    const row = this.rows[this.current];
    this.showState(row);
    const position = this.article.querySelector('.mmd-position');
    if (position) position.textContent = `Step ${this.current + 1} of ${this.rows.length}`;
    for (const button of this.article.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
      const action = button.dataset.action;
      button.disabled = ((action === 'first' || action === 'prev') && this.current === 0) ||
        ((action === 'next' || action === 'last') && this.current === this.rows.length - 1);
    }
    if (how.focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }
    if (model) vscode?.setState({ model, current: this.current });
    if (how.reveal && row.classList.contains('has-location')) vscode?.postMessage({ type: 'reveal', step: this.current });
  }

  /** The state after the selected step: copied from the row's hidden state block (nodes, never markup strings). */
  private showState(row: HTMLElement): void {
    const detail = this.article.querySelector('.mmd-detail');
    const state = row.querySelector('.mmd-state');
    if (!detail || !state) return;
    detail.replaceChildren(...[...state.childNodes].map((n) => n.cloneNode(true)));
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element;
    const button = target.closest<HTMLButtonElement>('button[data-action]');
    if (button) {
      this.act(button.dataset.action ?? '');
      return;
    }
    const row = target.closest<HTMLElement>('.mmd-step');
    if (row) this.select(stepOf(row), { focus: true, reveal: true });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const onRow = (e.target as Element).closest('.mmd-step') !== null;
    const keys: Record<string, () => void> = {
      ArrowDown: () => this.select(this.current + 1, { focus: true }),
      ArrowUp: () => this.select(this.current - 1, { focus: true }),
      ArrowRight: () => this.act('next'),
      ArrowLeft: () => this.act('prev'),
      Home: () => this.act('first'),
      End: () => this.act('last'),
      h: () => this.act('highlight'),
      Enter: () => this.select(this.current, { reveal: true }),
      ' ': () => this.select(this.current, { reveal: true }),
    };
    const handler = keys[e.key];
    // Enter and Space belong to the buttons when a button has the focus.
    if (!handler || ((e.key === 'Enter' || e.key === ' ') && !onRow)) return;
    e.preventDefault();
    handler();
  }

  private act(action: string): void {
    const highlight = Number(this.article.dataset.highlight);
    const targets: Record<string, number> = {
      first: 0, prev: this.current - 1, next: this.current + 1, last: this.rows.length - 1,
      highlight: Number.isInteger(highlight) ? highlight : this.current,
    };
    if (action in targets) this.select(targets[action], { focus: true, reveal: true });
  }
}

function stepOf(row: Element): number {
  return Number((row as HTMLElement).dataset.step);
}

function isModel(value: unknown): value is DiagramModel {
  return typeof value === 'object' && value !== null && (value as DiagramModel).kind === 'mm-review-diagram' &&
    Array.isArray((value as DiagramModel).steps);
}

function show(next: DiagramModel, current?: number): void {
  if (!root) return;
  // The extension re-sends the model when the page (re)loads: keep the selected step if it is the same one.
  const article = root.querySelector<HTMLElement>('article.mmd');
  const same = model !== undefined && JSON.stringify(model) === JSON.stringify(next);
  const keep = current ?? (same && article ? Number(article.dataset.current ?? 0) : undefined);
  model = next;
  // renderDiagram escapes every string of the model (server/src/core/diagram/html.ts), so this markup holds
  // no markup from the data; the page's CSP would refuse to run any script that got in all the same.
  root.innerHTML = renderDiagram(next);
  attach(keep);
}

function attach(current?: number): void {
  const article = root?.querySelector<HTMLElement>('article.mmd');
  if (!article) return;
  new DiagramView(article).select(current ?? Number(article.dataset.current ?? 0));
}

window.addEventListener('message', (event: MessageEvent<DiagramHostMessage>) => {
  const message = event.data;
  if (message?.type === 'show' && isModel(message.model)) show(message.model);
});

// A panel restored after being hidden comes back with the state it saved; a fresh panel or the HTML report
// already holds the drawn diagram.
const saved = vscode?.getState() as SavedState | undefined;
if (saved && isModel(saved.model)) show(saved.model, saved.current);
else if (root?.querySelector('article.mmd')) attach();
vscode?.postMessage({ type: 'ready' });
