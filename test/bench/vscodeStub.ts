/**
 * A minimal `vscode` stand-in for loading the extension in plain Node (benchmark, activation test).
 * Real where activation depends on behaviour (EventEmitter, Disposable, l10n.t, registerCommand);
 * anything else is a tolerant stub: callable, constructible, every property another stub, never thenable.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import Module = require('node:module');

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => unknown) {}
  static from(...items: Array<{ dispose(): unknown } | undefined>): Disposable {
    return new Disposable(() => items.forEach((item) => item?.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

function format(message: string, ...args: unknown[]): string {
  const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
  return message.replace(/\{([^{}]+)\}/g, (whole, key: string) => {
    const value = named ? named[key] : args[Number(key)];
    return value === undefined ? whole : String(value);
  });
}

/** Anything: a function whose every property is another such function; `then` is absent so it is not a promise. */
export function tolerant(path = 'vscode', overrides: Record<string, unknown> = {}): any {
  const target = function () {} as unknown as Record<string | symbol, unknown>;
  const children = new Map<string, unknown>(Object.entries(overrides));
  const get = (prop: string | symbol): unknown => {
    if (typeof prop === 'symbol' || prop === 'prototype') return target[prop];
    if (prop === 'then') return undefined;
    if (prop === 'toString' || prop === 'valueOf' || prop === 'toJSON') return () => '';
    if (!children.has(prop)) children.set(prop, tolerant(`${path}.${prop}`));
    return children.get(prop);
  };
  // Bundlers copy a CommonJS module's own keys into a namespace object whose prototype is the module's: the
  // overrides are listed as own keys, and anything else is found through the prototype, which answers like the stub.
  const fallback = new Proxy({}, { get: (_t, prop) => get(prop) });
  return new Proxy(target, {
    get: (_t, prop) => get(prop),
    ownKeys: () => [...new Set([...Reflect.ownKeys(target), ...children.keys()])],
    getOwnPropertyDescriptor: (t, prop) =>
      typeof prop === 'string' && children.has(prop) && !Reflect.getOwnPropertyDescriptor(t, prop)
        ? { value: children.get(prop), writable: true, enumerable: true, configurable: true }
        : Reflect.getOwnPropertyDescriptor(t, prop),
    getPrototypeOf: () => fallback,
    set(_t, prop, value) {
      if (typeof prop === 'string') children.set(prop, value);
      return true;
    },
    has: () => true,
    apply: () => tolerant(`${path}()`),
    construct: () => tolerant(`new ${path}`),
  });
}

/** Commands registered through the stand-in, by id. */
export const registeredCommands = new Map<string, (...args: unknown[]) => unknown>();

export function createVscodeStub(): any {
  return tolerant('vscode', {
    EventEmitter,
    Disposable,
    l10n: tolerant('vscode.l10n', { t: format, bundle: undefined, uri: undefined }),
    commands: tolerant('vscode.commands', {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        registeredCommands.set(id, handler);
        return new Disposable(() => registeredCommands.delete(id));
      },
    }),
    QuickPickItemKind: { Separator: -1, Default: 0 },
  });
}

/** A context with a real `subscriptions` array; everything else tolerant. */
export function createContextStub(): any {
  // A path, as VS Code gives one: activate joins paths under it (nothing is written there at activation).
  const globalStorageUri = tolerant('context.globalStorageUri', { fsPath: path.join(os.tmpdir(), 'bc-pictures-stub-storage') });
  return tolerant('context', { subscriptions: [] as Array<{ dispose(): unknown }>, globalStorageUri });
}

let installed: any;

/** Makes `require('vscode')` answer the stand-in in this process (idempotent). */
export function installVscodeStub(): any {
  if (installed) return installed;
  installed = createVscodeStub();
  const mod = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? installed : original.call(this, request, parent, isMain);
  };
  return installed;
}
