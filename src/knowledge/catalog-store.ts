// Serves the current catalog and what is built from it (the understander, the
// department router), and swaps in a new one when intents/ changes — on a file
// change (fs.watch, debounced) or on request (POST /api/admin/catalog/reload). A
// catalog that does not validate, or whose models fail to build, is reported and
// the old one keeps serving: a bad edit never reaches citizens.
import fs from "node:fs";
import type { Logger } from "../logger.ts";
import type { Catalog } from "./catalog-schema.ts";
import { CatalogError, loadCatalog } from "./load-catalog.ts";

const DATA_FILE = /\.(ya?ml|json)$/i;
export const WATCH_DEBOUNCE_MS = 300;

export interface CatalogVersion<Built> {
  catalog: Catalog;
  built: Built;
  loadedAt: Date;
  /** Time to read, validate and build it (models included). */
  loadMs: number;
}

export type ReloadResult =
  | { ok: true; items: number; loadedAt: Date; loadMs: number }
  | { ok: false; problems: string[]; serving: { items: number; loadedAt: Date } };

export class CatalogStore<Built> {
  private version: CatalogVersion<Built>;
  private running: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly build: (catalog: Catalog) => Built,
    private readonly log: Logger,
    first: CatalogVersion<Built>,
  ) {
    this.version = first;
  }

  /** Loads the catalog once; a catalog that does not validate stops the start. */
  static async open<Built>(dir: string, build: (catalog: Catalog) => Built, log: Logger): Promise<CatalogStore<Built>> {
    return new CatalogStore(dir, build, log, await loadVersion(dir, build));
  }

  get current(): CatalogVersion<Built> {
    return this.version;
  }

  /** Loads intents/ again; on success the new catalog serves from the next message on. */
  reload(): Promise<ReloadResult> {
    // One reload at a time; a request during one runs once more after it (it may hold newer files).
    if (!this.running) {
      this.running = this.reloadNow().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.reload();
    });
    return this.queued;
  }

  /** Reloads when a data file under intents/ changes (editors save in bursts: debounced). */
  watch(debounceMs = WATCH_DEBOUNCE_MS): void {
    if (this.watcher) return;
    try {
      this.watcher = fs.watch(this.dir, { recursive: true }, (_event, file) => {
        if (file && !DATA_FILE.test(file.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), debounceMs);
      });
      this.watcher.on("error", (error) => this.log.warn({ err: error, dir: this.dir }, "catalog watch stopped"));
    } catch (error) {
      this.log.warn({ err: error, dir: this.dir }, "cannot watch the catalog; reload it through the admin API");
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async reloadNow(): Promise<ReloadResult> {
    try {
      const next = await loadVersion(this.dir, this.build);
      this.version = next;
      this.log.info({ items: next.catalog.items.length, loadMs: next.loadMs }, "catalog reloaded");
      return { ok: true, items: next.catalog.items.length, loadedAt: next.loadedAt, loadMs: next.loadMs };
    } catch (error) {
      const problems = error instanceof CatalogError ? error.problems : [`cannot build the catalog's models: ${(error as Error).message}`];
      const serving = { items: this.version.catalog.items.length, loadedAt: this.version.loadedAt };
      this.log.error({ problems, serving }, "catalog reload rejected; the previous catalog keeps serving");
      return { ok: false, problems, serving };
    }
  }
}

async function loadVersion<Built>(dir: string, build: (catalog: Catalog) => Built): Promise<CatalogVersion<Built>> {
  const started = performance.now();
  const catalog = await loadCatalog(dir);
  const built = build(catalog);
  return { catalog, built, loadedAt: new Date(), loadMs: Math.round(performance.now() - started) };
}
