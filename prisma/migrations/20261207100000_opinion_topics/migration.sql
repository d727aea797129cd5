-- Public-opinion hub (issue 14): topics and alerts found by the opinion monitor, and the topic of each analysed message.

ALTER TABLE "OpinionMessage" ADD COLUMN "topicId" TEXT;
CREATE INDEX "OpinionMessage_topicId_at_idx" ON "OpinionMessage"("topicId", "at");

CREATE TABLE "OpinionTopic" (
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "places" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "negativeCount" INTEGER NOT NULL DEFAULT 0,
    "channels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "ticketNumbers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "parentTicketNumber" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OpinionTopic_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OpinionTopic_lastAt_idx" ON "OpinionTopic"("lastAt");
CREATE INDEX "OpinionTopic_firstAt_idx" ON "OpinionTopic"("firstAt");

CREATE TABLE "OpinionAlert" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "series" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "places" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "channels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "messageCount" INTEGER NOT NULL,
    "expected" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "topicId" TEXT,
    "samples" JSONB NOT NULL DEFAULT '[]',
    "ticketNumbers" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "OpinionAlert_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OpinionAlert_detectedAt_idx" ON "OpinionAlert"("detectedAt");
CREATE INDEX "OpinionAlert_status_detectedAt_idx" ON "OpinionAlert"("status", "detectedAt");

CREATE TABLE "OpinionAlertMessage" (
    "alertId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,

    CONSTRAINT "OpinionAlertMessage_pkey" PRIMARY KEY ("alertId", "messageId")
);
ALTER TABLE "OpinionAlertMessage" ADD CONSTRAINT "OpinionAlertMessage_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "OpinionAlert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
