// Edits of intents/ from the admin API, one at a time in this process (each reads the file
// the previous one wrote): the edit writes its file, the knowledge reloads, and when the new
// snapshot is rejected the file is put back, so the next reload (or the watcher) does not
// trip over it and the snapshot serving stays the one the file describes.
import type { FileEdit } from "./intents-file.ts";
import { restoreFile } from "./intents-file.ts";
import type { ReloadResult } from "./knowledge-store.ts";

export interface EditOutcome<T extends FileEdit> {
  edit: T;
  result: ReloadResult;
}

export class IntentsEditor {
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    readonly intentsDir: string,
    private readonly reload: () => Promise<ReloadResult>,
  ) {}

  /** Runs `change` (which writes one file under intents/ and says which) after the edits before it, then reloads. */
  apply<T extends FileEdit>(change: (intentsDir: string) => Promise<T>): Promise<EditOutcome<T>> {
    const run = this.last.then(async () => {
      const edit = await change(this.intentsDir);
      const result = await this.reload();
      if (!result.ok) await restoreFile(this.intentsDir, edit.file, edit.previous);
      return { edit, result };
    });
    this.last = run.catch(() => undefined);
    return run;
  }
}
