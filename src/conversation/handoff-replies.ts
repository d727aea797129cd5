// What the hub says to a citizen about a hand-off to a person (人工): honest about when
// people answer, and never a promise nobody keeps.

/** Agents answer now: the citizen waits in the queue. */
export function waitingForAgent(minutes: number): string {
  return `已为您转接人工客服，请稍候。您可以先把要咨询的问题发给我们，客服接入后会看到；如${minutes}分钟内无人接入，我们会告诉您。`;
}

/** A message sent while waiting: kept for the agent. */
export function keptForAgent(): string {
  return "已收到，客服接入后会看到您的消息，请稍候。";
}

/** Outside the service hours, or nobody picked up in time: a 留言 instead. */
export function leaveAMessage(hours: string, replyBy: string, timedOut: boolean): string {
  const why = timedOut ? "抱歉，客服暂时都在忙，没能及时接入。" : "现在不是人工服务时间。";
  return `${why}人工服务时间为${hours}，您可以留言，我们会在${replyBy}前回复。其他问题可以继续问我。`;
}

/** The 留言 was kept. */
export function messageKept(replyBy: string): string {
  return `已收到您的留言，我们会在${replyBy}前回复您。其他问题可以继续问我。`;
}

/** An agent picked the conversation up. */
export function agentJoined(): string {
  return "人工客服已接入，请问有什么可以帮您？";
}

/** What the citizen sees of an agent's reply. */
export function agentSays(text: string): string {
  return `人工客服：${text}`;
}

/** The agent handed the conversation back to the bot. */
export function backToBot(): string {
  return "已为您转回智能客服，有问题可以继续问我。";
}

/** The agent filed a ticket for the citizen. */
export function ticketFiled(number: string): string {
  return `已为您登记工单，编号 ${number}。办理进展会在这里告诉您，也可以发送“查询工单”查看。`;
}
