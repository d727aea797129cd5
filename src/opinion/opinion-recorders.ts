// The hub's opinion recorder follows its knowledge snapshot: built on first use (~1 s: the
// gazetteer's names taught to jieba, the emotion model read), and built again from the next
// job on after intents/ was reloaded — lexicon, gazetteer, catalog words and domain cues
// change without a restart. One per process, shared by the analysis worker and the import
// API. A snapshot whose recorder cannot be built (a broken model file) leaves the previous
// recorder serving, as a reload that does not validate leaves the previous snapshot.
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { Logger } from "../logger.ts";
import { opinionRecorderOf } from "./load-opinion-recorder.ts";
import type { OpinionRecorder } from "./opinion-recorder.ts";

export class OpinionRecorders {
  private built: { version: number; recorder: OpinionRecorder } | undefined;
  private failedVersion: number | undefined;

  constructor(
    private readonly knowledge: () => Knowledge,
    /** Where the emotion model is read (models/opinion). */
    private readonly intentsDir: string,
    private readonly log: Logger,
  ) {}

  /** The recorder of the current snapshot. */
  async current(): Promise<OpinionRecorder> {
    const knowledge = this.knowledge();
    if (this.built?.version === knowledge.version || (this.built && this.failedVersion === knowledge.version))
      return this.built.recorder;
    try {
      const recorder = opinionRecorderOf(knowledge, this.intentsDir);
      if (this.built) this.log.info({ version: knowledge.version }, "opinion analysis reloaded");
      this.built = { version: knowledge.version, recorder };
      return recorder;
    } catch (error) {
      // Nothing to fall back on: the job fails and is retried.
      if (!this.built) throw error;
      this.failedVersion = knowledge.version;
      this.log.error(
        { err: error, version: knowledge.version, serving: this.built.version },
        "opinion analysis not rebuilt; the previous one keeps serving",
      );
      return this.built.recorder;
    }
  }
}
