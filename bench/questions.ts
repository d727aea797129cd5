// What the benchmarks ask: a mix of service questions and greetings, as citizens write them.
export const QUESTIONS = [
  "身份证丢了怎么办",
  "租房子能不能提公积金",
  "政务服务中心几点上班",
  "驾照到期了要换",
  "孩子刚出生怎么上户口",
  "社保卡丢了怎么补",
  "你好",
  "失业了能领失业金吗",
];

/**
 * Many citizens, each asking once: 2,000 bodies over the question mix. The hub issues the
 * session (a request without an X-Chat-Session header starts one), so each request is a
 * new citizen's first question.
 */
export function chatBodies(): string[] {
  return Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: QUESTIONS[i % QUESTIONS.length] }));
}
