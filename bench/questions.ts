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

/** The question mix as chat bodies, 2,000 of them, posted in turn. */
export function chatBodies(): string[] {
  return Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: QUESTIONS[i % QUESTIONS.length] }));
}

/**
 * Many citizens, each asking now and then: opens `count` web-chat sessions (the hub
 * issues them; a first "你好" starts each), which the load then reuses in turn, so it
 * measures returning citizens as the benchmark always has rather than a new one per request.
 */
export async function openChatSessions(chatUrl: string, count = 2000): Promise<string[]> {
  const sessions: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async () => {
        const response = await fetch(`${chatUrl}/api/chat/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: "你好" }),
        });
        const session = response.headers.get("x-chat-session");
        if (!response.ok || !session) throw new Error(`cannot open a chat session: HTTP ${response.status}`);
        return session;
      }),
    );
    sessions.push(...batch);
  }
  return sessions;
}
