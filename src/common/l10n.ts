/** Translates a user-facing message; `{0}`-style or `{name}`-style placeholders as in `vscode.l10n.t`. */
export type Translate = {
  (message: string, ...args: Array<string | number | boolean>): string;
  (message: string, args: Record<string, unknown>): string;
};

// Plain layers cannot import `vscode`; the extension hands `vscode.l10n.t` in at activation.
let translator: Translate = format as Translate;

export function setTranslator(translate: Translate): void {
  translator = translate;
}

/**
 * A translator from a bundle of translations (`vscode.l10n.bundle`), for a thread that has no `vscode`: a message
 * missing from it, or no bundle at all, is the English one.
 */
export function bundleTranslator(bundle: Readonly<Record<string, string>> | undefined): Translate {
  return ((message: string, ...args: unknown[]) => format(bundle?.[message] ?? message, ...args)) as Translate;
}

/** Back to the English fallback (for tests). */
export function resetTranslator(): void {
  translator = format as Translate;
}

/** Every user-facing string of the plain layers goes through here, and so through `vscode.l10n.t`. */
export function t(message: string, ...args: Array<string | number | boolean>): string;
export function t(message: string, args: Record<string, unknown>): string;
export function t(message: string, ...args: unknown[]): string {
  return (translator as (m: string, ...a: unknown[]) => string)(message, ...args);
}

/** The English fallback: the same placeholder rules as `vscode.l10n.t`. */
function format(message: string, ...args: unknown[]): string {
  const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
  return message.replace(/\{([^{}]+)\}/g, (whole, key: string) => {
    const value = named ? named[key] : args[Number(key)];
    return value === undefined ? whole : String(value);
  });
}
