// Serves the current knowledge snapshot (everything read from intents/) and what the
// composition root builds from it (the understander), and swaps in a new one when
// intents/ changes — on a file change (fs.watch, debounced) or on request (POST
// /api/admin/catalog/reload). Consumers read `current` per message or job, so a reload
// changes the catalog, routing rules, departments, menu and calendar at once. A
// snapshot that does not validate, or whose models fail to build, is reported and the
// old one keeps serving: a bad edit never reaches citizens.
import fs from "node:fs";
import type { Logger } from "../logger.ts";
import { type Knowledge, loadKnowledge } from "./knowledge.ts";
import { CatalogError } from "./load-catalog.ts";

const DATA_FILE = /\.(ya?ml|json)$/i;
export const WATCH_DEBOUNCE_MS = 300;

export interface KnowledgeStoreOptions<Built> {
  /** The time zone of the working-day calendar. */
  timeZone: string;
  /**
   * Builds what depends on a snapshot (models); a throw or rejection rejects the snapshot.
   * The current snapshot keeps serving while a promise is pending (a build off this thread).
   */
  build(knowledge: Knowledge): Built | Promise<Built>;
  log: Logger;
}

interface Served<Built> {
  knowledge: Knowledge;
  built: Built;
  /** Time to read, validate and build it (models included). */
  loadMs: number;
}

export type ReloadResult =
  | { ok: true; version: number; items: number; loadedAt: Date; loadMs: number }
  | { ok: false; problems: string[]; serving: { version: number; items: number; loadedAt: Date } };

export class KnowledgeStore<Built> {
  private served: Served<Built>;
  private running: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly options: KnowledgeStoreOptions<Built>,
    first: Served<Built>,
  ) {
    this.served = first;
  }

  /** Loads intents/ once; a snapshot that does not validate stops the start. */
  static async open<Built>(dir: string, options: KnowledgeStoreOptions<Built>): Promise<KnowledgeStore<Built>> {
    return new KnowledgeStore(dir, options, await load(dir, options, 1));
  }

  /** The snapshot serving now. Read it per message or job; don't keep it. */
  get current(): Knowledge {
    return this.served.knowledge;
  }

  /** What was built from the current snapshot. */
  get built(): Built {
    return this.served.built;
  }

  get loadMs(): number {
    return this.served.loadMs;
  }

  /** Loads intents/ again; on success the new snapshot serves from the next message on. */
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
    const { log } = this.options;
    try {
      this.watcher = fs.watch(this.dir, { recursive: true }, (_event, file) => {
        if (file && !DATA_FILE.test(file.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), debounceMs);
      });
      this.watcher.on("error", (error) => log.warn({ err: error, dir: this.dir }, "catalog watch stopped"));
    } catch (error) {
      log.warn({ err: error, dir: this.dir }, "cannot watch the catalog; reload it through the admin API");
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const { log } = this.options;
    try {
      const next = await load(this.dir, this.options, this.served.knowledge.version + 1);
      this.served = next;
      const { version, catalog, loadedAt } = next.knowledge;
      log.info({ version, items: catalog.items.length, loadMs: next.loadMs }, "catalog reloaded");
      return { ok: true, version, items: catalog.items.length, loadedAt, loadMs: next.loadMs };
    } catch (error) {
      const problems =
        error instanceof CatalogError
          ? error.problems
          : [`cannot build the catalog's models: ${(error as Error).message}`];
      const { version, catalog, loadedAt } = this.served.knowledge;
      const serving = { version, items: catalog.items.length, loadedAt };
      log.error({ problems, serving }, "catalog reload rejected; the previous catalog keeps serving");
      return { ok: false, problems, serving };
    }
  }
}

async function load<Built>(
  dir: string,
  options: KnowledgeStoreOptions<Built>,
  version: number,
): Promise<Served<Built>> {
  const started = performance.now();
  const knowledge = await loadKnowledge(dir, { timeZone: options.timeZone, version });
  const built = await options.build(knowledge);
  return { knowledge, built, loadMs: Math.round(performance.now() - started) };
}
