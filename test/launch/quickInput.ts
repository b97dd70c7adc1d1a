/**
 * What the workbench's quick input (quick pick or input box) shows, read from its DOM in the browser page: the
 * UI driver's `quickInput` action. Host tests wait on this, as a person looks at the screen, instead of on hooks
 * in the extension. Class names are VS Code 1.100's (src/vs/platform/quickinput/browser/quickInputTree.ts).
 */

export interface QuickInputRow {
  /** The label as shown, an icon as `$(name)`. */
  readonly label: string;
  readonly description: string;
  /** The second line; '' when there is none. */
  readonly detail: string;
  /** The heading shown on this row, where a separator comes before it; '' when none. */
  readonly separator: string;
  /** Multi-select only: whether its checkbox is checked. */
  readonly checked?: boolean;
  /** The row the keyboard is on. */
  readonly focused: boolean;
  /** Shown where the list is scrolled to, at least in part (not scrolled out of view). */
  readonly inView: boolean;
}

export interface QuickInputSnapshot {
  /** With the step where there is one, as shown: "Select the Company (1/2)". */
  readonly title: string;
  readonly placeholder: string;
  /** The text in the input; always '' in a password box. */
  readonly value: string;
  readonly password: boolean;
  /** The line under the input, where shown: an input box's prompt, or a validation message. */
  readonly message: string;
  /** How the input is decorated for `message`: 'error', 'warning', 'info', or '' for none. */
  readonly severity: string;
  /** The progress bar runs (VS Code starts it once an input has been busy for 800 ms). */
  readonly busy: boolean;
  readonly canSelectMany: boolean;
  /** Every row of the list, the ones scrolled out of view included. */
  readonly rows: readonly QuickInputRow[];
  /** False when the list changed while it was read, so the rows may be a mix of two lists: read again. */
  readonly complete: boolean;
}

/** The little of the DOM this reads (the project compiles without the DOM library). */
interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  readonly classList: { contains(name: string): boolean };
  readonly children: ArrayLike<DomElement>;
  readonly style: { readonly top: string };
  readonly clientHeight: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly top: number; readonly bottom: number };
  getClientRects(): ArrayLike<unknown>;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  dispatchEvent(event: unknown): boolean;
}
interface DomInput extends DomElement {
  readonly value: string;
  readonly type: string;
  readonly placeholder: string;
}
interface PageGlobals {
  readonly document: DomElement;
  requestAnimationFrame(callback: () => void): number;
  readonly WheelEvent: new (type: string, init: object) => unknown;
}

/**
 * Runs in the page (`page.evaluate`), so it uses nothing from outside itself. The list is virtual (only the rows
 * in view are in the DOM): a longer one is scrolled through with the mouse wheel, as a person would, and put back.
 */
export async function readQuickInput(): Promise<QuickInputSnapshot | null> {
  const page = globalThis as unknown as PageGlobals;
  const shown = (element: DomElement | null): element is DomElement => !!element && element.getClientRects().length > 0;
  const widget = Array.from(page.document.querySelectorAll('.quick-input-widget')).find(shown);
  if (!widget) return null;
  const text = (element: DomElement | null) => (shown(element) ? (element.textContent ?? '') : '');
  /** Text with each codicon written as `$(name)`, the way the extension wrote the label. */
  const withIcons = (node: DomNode | null): string => {
    if (!node) return '';
    if (node.nodeType === 3) return node.textContent ?? '';
    const element = node as DomElement;
    const icon = /(?:^|\s)codicon-(?!modifier-)([\w-]+)/.exec(element.getAttribute('class') ?? '');
    if (element.classList.contains('codicon') && icon) return `$(${icon[1]})`;
    return Array.from(node.childNodes).map(withIcons).join('');
  };

  const input = widget.querySelector('.quick-input-box input') as DomInput | null;
  const password = input?.type === 'password';
  const box = widget.querySelector('.quick-input-box .monaco-inputbox');
  const progress = widget.querySelector('.quick-input-progress');
  const canSelectMany = widget.classList.contains('show-checkboxes');

  const list = widget.querySelector('.quick-input-list');
  const scrollable = list?.querySelector('.monaco-scrollable-element') ?? null;
  const rowsContainer = list?.querySelector('.monaco-list-rows') ?? null;
  const byIndex = new Map<number, QuickInputRow>();
  let size = 0;
  let complete = true;
  /** Where the person left the list: only the rows collected before any scrolling can be in view. */
  const view = scrollable?.getBoundingClientRect();
  const collect = (asLeft: boolean) => {
    for (const row of Array.from(rowsContainer?.querySelectorAll('.monaco-list-row') ?? [])) {
      const index = Number(row.getAttribute('data-index'));
      const setSize = Number(row.getAttribute('aria-setsize'));
      if (byIndex.size > 0 && setSize !== size) complete = false;
      size = setSize;
      const lines = row.querySelector('.quick-input-list-rows')?.children;
      const meta = lines?.[1]?.querySelector('.quick-input-list-label-meta .monaco-icon-label') ?? null;
      let read: QuickInputRow = {
        label: withIcons(lines?.[0]?.querySelector('.label-name') ?? null),
        description: withIcons(lines?.[0]?.querySelector('.label-description') ?? null),
        detail: shown(meta) ? withIcons(meta.querySelector('.label-name')) : '',
        separator: text(row.querySelector('.quick-input-list-separator')),
        checked: canSelectMany ? row.getAttribute('aria-checked') === 'true' : undefined,
        focused: row.classList.contains('focused'),
        inView: asLeft && !!view && row.getBoundingClientRect().bottom > view.top && row.getBoundingClientRect().top < view.bottom,
      };
      const before = byIndex.get(index);
      if (before?.inView) read = { ...read, inView: true };
      if (before && (before.label !== read.label || before.checked !== read.checked)) complete = false;
      byIndex.set(index, read);
    }
  };
  if (shown(list) && scrollable && rowsContainer) {
    collect(true);
    if (byIndex.size < size) {
      const top = () => Math.abs(parseFloat(rowsContainer.style.top) || 0);
      const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(() => resolve()));
      const wheel = async (deltaY: number) => {
        scrollable.dispatchEvent(new page.WheelEvent('wheel', { deltaY, bubbles: true, cancelable: true }));
        await frame();
      };
      const start = top();
      const viewport = scrollable.clientHeight;
      // Pixels scrolled per unit of deltaY: measured on the first, short step, so that no step skips a row.
      let ratio = 0;
      await wheel(-1e6);
      collect(false);
      /** Whether a row above the last one read was never in the DOM: the step went too far. */
      const gap = () => Array.from({ length: Math.max(-1, ...byIndex.keys()) + 1 }, (_, index) => index).some((index) => !byIndex.has(index));
      let step = viewport * 0.8;
      for (let steps = 0; byIndex.size < size && steps < 1000; steps++) {
        const before = top();
        const delta = ratio > 0 ? step / ratio : viewport * 0.2;
        await wheel(delta);
        collect(false);
        if (top() === before) break;
        if (ratio === 0) ratio = (top() - before) / delta;
        if (gap()) {
          // Back half the way, and shorter steps from here on.
          await wheel(-delta / 2);
          collect(false);
          step = Math.max(step / 2, 8);
        }
      }
      // Back where the person left it.
      for (let steps = 0; top() !== start && steps < 20; steps++) await wheel(start === 0 || ratio === 0 ? -1e6 : (start - top()) / ratio);
    }
  }
  const rows = Array.from({ length: size }, (_, index) => byIndex.get(index));
  if (rows.some((row) => !row)) complete = false;

  return {
    title: text(widget.querySelector('.quick-input-title')),
    placeholder: input?.placeholder ?? '',
    value: password ? '' : (input?.value ?? ''),
    password,
    message: text(widget.querySelector('.quick-input-message')),
    severity: ['error', 'warning', 'info'].find((type) => box?.classList.contains(type)) ?? '',
    busy: shown(progress) && progress.classList.contains('active') && !progress.classList.contains('done'),
    canSelectMany,
    rows: rows.filter((row): row is QuickInputRow => !!row),
    complete,
  };
}
