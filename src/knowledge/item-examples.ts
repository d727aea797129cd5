// Example questions for an imported item, made from its official name and aliases the way
// citizens ask: the name as they shorten it (居民身份证换领 → 身份证换领, 换身份证; a part in
// brackets moved to the front: 参保登记（个人） → 个人参保登记), each asked about one part of the
// guide (怎么办, 需要什么材料, 多少钱, 多久, 在哪办, 能网上办吗). The matcher learns the item's
// words from them; people then add the wordings the unanswered report shows.

/** Official action words at the end of a name, and how citizens say the action before the object. */
const ACTIONS: [suffix: string, spoken: string][] = [
  ["首次申领", "第一次办"],
  ["首次申请", "第一次申请"],
  ["换领", "换"],
  ["换发", "换"],
  ["补领", "补办"],
  ["补发", "补办"],
  ["补办", "补办"],
  ["挂失", "挂失"],
  ["注销登记", "注销"],
  ["注销", "注销"],
  ["变更登记", "变更"],
  ["变更", "变更"],
  ["设立登记", "开办"],
  ["延续", "延续"],
  ["申领", "申领"],
  ["申请", "申请"],
  ["办理", "办理"],
];

/** Prefixes an official name has that citizens leave out. */
const DROPPED_PREFIXES = ["本市", "居民"];

const QUESTIONS: ((name: string) => string)[] = [
  (n) => `${n}怎么办`,
  (n) => `${n}需要什么材料`,
  (n) => `${n}要多少钱`,
  (n) => `${n}要多久`,
  (n) => `${n}在哪里办`,
  (n) => `${n}能网上办吗`,
  (n) => `${n}的流程是什么`,
  (n) => `请问${n}要带什么`,
];

/** The ways citizens may write an item's name, the official name first, without repeats. */
export function nameVariants(name: string): string[] {
  const variants = new Set<string>([name]);
  // 参保登记（个人） → 个人参保登记, and the name without the bracket.
  const bracket = /^(.+?)[（(]([^）)]+)[）)]$/u.exec(name);
  const base = bracket ? bracket[1]!.trim() : name;
  if (bracket) {
    variants.add(`${bracket[2]!.trim()}${base}`);
  }
  let short = base;
  for (const prefix of DROPPED_PREFIXES)
    if (short.startsWith(prefix) && short.length > prefix.length + 2) short = short.slice(prefix.length);
  if (!bracket) variants.add(short);
  const action = ACTIONS.find(([suffix]) => short.endsWith(suffix) && short.length > suffix.length + 1);
  if (action) {
    const object = short.slice(0, -action[0].length).replace(/的$/u, "");
    const qualifier = bracket ? bracket[2]!.trim() : "";
    variants.add(`${qualifier}${action[1]}${object}`);
  }
  return [...variants];
}

/**
 * At least six example questions: each question form once, the name variants and aliases in
 * turn (the official name first), with no question twice.
 */
export function exampleQuestions(name: string, aliases: readonly string[] = []): string[] {
  const names = [...new Set([...nameVariants(name), ...aliases])];
  const questions = new Set<string>();
  QUESTIONS.forEach((ask, i) => questions.add(ask(names[i % names.length]!)));
  // A second round for names the first did not use (many aliases): one question each.
  for (let i = QUESTIONS.length; i < names.length; i++) questions.add(QUESTIONS[i % QUESTIONS.length]!(names[i]!));
  return [...questions];
}
