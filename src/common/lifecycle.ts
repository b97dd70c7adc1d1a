/** What can be disposed: VS Code's disposables and our own objects alike. */
export interface IDisposable {
  dispose(): void;
}

/** A long-lived object that owns others: whatever it `_register`s is disposed with it, last first. */
export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  protected _register<T extends IDisposable>(owned: T): T {
    if (this.disposed) owned.dispose();
    else this.owned.push(owned);
    return owned;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const owned of this.owned.splice(0).reverse()) owned.dispose();
  }
}
