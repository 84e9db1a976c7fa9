/**
 * What each started piece of the local runtime must undo to stop. Closed in the reverse of the order they
 * were added, so a piece stops before whatever it uses (the API before the handlers' clients, the clients
 * before the servers they call, dynalite before the data folder's lock is released).
 */
export class Closers {
  private readonly closers: (() => Promise<void>)[] = [];

  add(close: () => unknown): void {
    this.closers.push(async () => {
      await close();
    });
  }

  /** Closes everything, last added first; one that fails keeps none of the others from closing. Once only. */
  async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}
