// The shape of the knowledge files under intents/. Editors change the data;
// this schema is the contract that keeps a bad edit from reaching citizens.
import { z } from "zod";

const nonEmpty = z.string().trim().min(1);

/** Complaint domains used for routing (领域). Kept open-ended on purpose: a region may add its own. */
export const domainSchema = nonEmpty;

export const materialSchema = z.strictObject({
  name: nonEmpty,
  /** e.g. "原件1份" or "复印件1份" */
  copies: nonEmpty.optional(),
  note: nonEmpty.optional(),
});

export const serviceItemSchema = z.strictObject({
  /** Stable item code (事项编码). */
  code: z.string().regex(/^[A-Z]{2,4}\d{3,}$/, "must look like GA001: 2–4 capital letters then digits"),
  /** Official item name (事项名称). */
  name: nonEmpty,
  /** Code of the responsible department in departments.yaml. */
  department: nonEmpty,
  /** Other names citizens use for this item. */
  aliases: z.array(nonEmpty).default([]),
  /** Example questions, written as citizens would ask them. */
  examples: z.array(nonEmpty).min(3, "needs at least 3 example questions"),
  /**
   * The item's head concept: what a question must name to be *about* it, not merely share
   * words with it — the object (驾驶证) and, when the object has several services, the
   * action (换, 到期). Words as citizens write them or their canonical form (synonyms.yaml).
   */
  head: z
    .strictObject({
      objects: z.array(nonEmpty).min(1),
      /** Empty: the object alone says which service (低保, 护照). */
      actions: z.array(nonEmpty).default([]),
    })
    .optional(),
  /** 所需材料 */
  materials: z.array(materialSchema).min(1),
  /** 办理流程 */
  steps: z.array(nonEmpty).min(1),
  /** 承诺时限, e.g. "即时办结" or "20个工作日" */
  timeLimit: nonEmpty,
  /** 收费, e.g. "不收费" or "工本费20元" */
  fee: nonEmpty,
  /** 办理地点 */
  location: nonEmpty,
  /** 网上办理 link; null when the item can only be handled in person. */
  onlineUrl: z.url().nullable(),
  /** 办公时间 */
  officeHours: nonEmpty,
  /** 法律依据 */
  legalBasis: z.array(nonEmpty).min(1),
});
export type ServiceItem = z.infer<typeof serviceItemSchema>;

export const departmentSchema = z.strictObject({
  code: nonEmpty,
  name: nonEmpty,
  /** Public phone line shown to citizens. */
  phone: nonEmpty.optional(),
  /** Complaint domains this department handles. */
  domains: z.array(domainSchema).default([]),
  /** Words in a complaint that point to this department (e.g. 路灯 → 城管). */
  keywords: z.array(nonEmpty).default([]),
  /** A department that no longer takes tickets (停用): kept so its tickets keep their name, never routed to. */
  disabled: z.boolean().optional(),
  /** Other names citizens call it by (交警, 车管所); with the name, how praise names its department. */
  aliases: z.array(nonEmpty).default([]),
});
export type Department = z.infer<typeof departmentSchema>;

export const departmentsFileSchema = z.strictObject({
  /** Where unrouted complaints go (派单中心). Must be one of the departments. */
  dispatcher: nonEmpty,
  departments: z.array(departmentSchema).min(1),
});

/** Groups of words that mean the same thing; the first is the canonical form. */
export const synonymsFileSchema = z.strictObject({
  synonyms: z.array(z.array(nonEmpty).min(2)),
});

/** Cue words and examples for the message kinds that are not service questions. */
export const messageKindsFileSchema = z.strictObject({
  greeting: z.strictObject({ cues: z.array(nonEmpty).min(1) }),
  handoff: z.strictObject({ cues: z.array(nonEmpty).min(1) }),
  /** Thanks and acknowledgements that close an exchange ("谢谢", "好的，知道了"). */
  thanks: z.strictObject({ cues: z.array(nonEmpty).min(1) }),
  complaint: z.strictObject({
    /** Words or phrases that signal a complaint or a request for help, with a weight. */
    cues: z.record(nonEmpty, z.number().positive()),
    examples: z.array(nonEmpty).min(5),
  }),
  suggestion: z.strictObject({
    cues: z.record(nonEmpty, z.number().positive()),
    examples: z.array(nonEmpty).min(3),
  }),
  /** Praise (表扬): weighted cues, and a thank-you (thanks) followed by whom it thanks (targets or a department's name). */
  praise: z.strictObject({
    cues: z.record(nonEmpty, z.number().positive()),
    thanks: z.array(nonEmpty).min(1),
    targets: z.array(nonEmpty).min(1),
    examples: z.array(nonEmpty).min(3),
  }),
  /**
   * A chase (催办): the citizen's own matter has waited too long with the government, or was
   * handled wrongly — a complaint even when it is worded as a question about an item.
   */
  chase: z
    .strictObject({
      /** The matter is with the government: 提交, 申请了, 审批, 等通知. */
      submitted: z.array(nonEmpty).min(1),
      /** It is still not done: 还在, 还没, 迟迟, 没消息. */
      waiting: z.array(nonEmpty).min(1),
      /** The citizen asks where it is stuck or why: 卡在哪, 到底, 怎么还. */
      stuck: z.array(nonEmpty).min(1),
      /** Who handled it (窗口, 工作人员) … */
      staff: z.array(nonEmpty).min(1),
      /** … and what they did wrong (录错, 弄丢). */
      faults: z.array(nonEmpty).min(1),
    })
    .optional(),
  /**
   * A matter reported settled, with thanks ("上次反映的漏水修好了，谢谢"): thanks, not a new
   * complaint, though it names the old trouble. `but` (但是, 又) says it is not over after all.
   */
  settled: z
    .strictObject({
      done: z.array(nonEmpty).min(1),
      thanks: z.array(nonEmpty).min(1),
      but: z.array(nonEmpty),
    })
    .optional(),
  /**
   * Words asking how a procedure goes (要带什么材料, 怎么申请): a message with them that names a
   * trouble ("工资被拖欠了去哪里申请仲裁") asks for the way, so complaint cue words alone do not
   * file it; the trained model still can.
   */
  procedure: z.array(nonEmpty).optional(),
  /**
   * How a message about a service item is put (components/question-tone.ts): it asks (吗, 怎么,
   * 多久) and may voice a grievance (凭什么, 明明, 没人管). A plain question — asking, no
   * grievance — is a consultation however worried it sounds, so the trained model alone does
   * not file it; a grievance lets the model file at its ordinary bar.
   */
  question: z
    .strictObject({
      asks: z.array(nonEmpty).min(1),
      /** Question particles, which ask only at the end of a clause (吗; not the 么 of "缺什么也不说"). */
      particles: z.array(nonEmpty),
      grievance: z.array(nonEmpty),
      /**
       * Asking the government to act on a situation (派人, 帮忙找, 帮我们联系): a request for
       * help, however politely put, is no plain question.
       */
      help: z.array(nonEmpty).optional(),
    })
    .optional(),
  /** Words that point to a complaint domain (for routing). */
  domains: z.record(domainSchema, z.array(nonEmpty).min(1)),
});

export type MessageKindsFile = z.infer<typeof messageKindsFileSchema>;

/** The parts of a service item a follow-up question can ask about, and the guide as a whole. */
export const FACETS = ["materials", "fee", "location", "timeLimit", "online", "steps", "hours", "guide"] as const;
export type Facet = (typeof FACETS)[number];

/** Phrases that ask for one facet of an item: 带什么材料 → materials, 多少钱 → fee. */
export const facetsFileSchema = z.strictObject({
  facets: z.strictObject(
    Object.fromEntries(FACETS.map((f) => [f, z.array(nonEmpty).min(1)])) as Record<Facet, z.ZodArray<typeof nonEmpty>>,
  ),
  /** Words a follow-up may hold besides the facet (那, 这个, 要, 吗 …): with only these, it refers to the current item. */
  filler: z.array(nonEmpty).default([]),
});
export type FacetsFile = z.infer<typeof facetsFileSchema>;

/** Words with no service meaning (请问, 现在, 麻烦): a question is not "about" them. */
export const functionWordsFileSchema = z.strictObject({
  words: z.array(nonEmpty),
});

/**
 * Questions citizens ask that no item answers (other services, everyday questions).
 * They teach the matcher what "none of these items" looks like.
 */
export const outOfScopeFileSchema = z.strictObject({
  questions: z.array(nonEmpty).min(10, "needs at least 10 questions"),
  /**
   * What citizens want done that no item offers (考, 报名, 注销, 年报): a question naming an
   * item's object with one of these and none of the item's actions is not about the item.
   */
  actions: z.array(nonEmpty).default([]),
});

/**
 * The stages of government services (换领, 补领, 变更, 注销, 挂失, 签注 …), each a group of
 * the words that name it. A question naming an item's object with a stage that no item
 * on that object offers is not about the item (head-concepts.ts).
 */
export const serviceStagesFileSchema = z.strictObject({
  stages: z.array(
    z.strictObject({
      name: nonEmpty,
      /** Words that name the stage wherever they occur (补办, 挂失, 密码). */
      words: z.array(nonEmpty).min(1),
      /** One-character verbs (补, 换, 转) that name it only as an item's head action: alone they occur inside other words (补贴). */
      verbs: z.array(z.string().trim().length(1)).default([]),
    }),
  ),
});
export type ServiceStage = z.infer<typeof serviceStagesFileSchema>["stages"][number];

export interface Catalog {
  items: ServiceItem[];
  departments: Department[];
  dispatcher: string;
  synonyms: string[][];
  messageKinds: MessageKindsFile;
  facets: FacetsFile;
  outOfScope: string[];
  /** Actions no item offers (out-of-scope.yaml `actions`). */
  outOfScopeActions?: string[];
  /** The service stages (service-stages.yaml). */
  serviceStages?: ServiceStage[];
  functionWords: string[];
}
