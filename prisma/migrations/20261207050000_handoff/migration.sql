-- Human hand-off (人工): a citizen's request for an agent, its queue and what became of it.

-- CreateTable
CREATE TABLE "HandoffSession" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pickedUpAt" TIMESTAMP(3),
    "agent" TEXT,
    "replyBy" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "HandoffSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HandoffSession_status_requestedAt_idx" ON "HandoffSession"("status", "requestedAt");

-- CreateIndex
CREATE INDEX "HandoffSession_conversationId_status_idx" ON "HandoffSession"("conversationId", "status");

-- AddForeignKey
ALTER TABLE "HandoffSession" ADD CONSTRAINT "HandoffSession_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
