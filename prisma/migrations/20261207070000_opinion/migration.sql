-- Public-opinion hub (issue 14): each analysed message, and hourly rollups of them.

-- CreateTable
CREATE TABLE "OpinionMessage" (
    "id" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "text" TEXT NOT NULL,
    "sentiment" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "emotion" TEXT NOT NULL,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "places" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "domain" TEXT,
    "ticketNumber" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OpinionMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OpinionRollup" (
    "dimension" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "value" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "negative" INTEGER NOT NULL DEFAULT 0,
    "neutral" INTEGER NOT NULL DEFAULT 0,
    "positive" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OpinionRollup_pkey" PRIMARY KEY ("dimension", "hour", "value")
);

-- CreateIndex
CREATE UNIQUE INDEX "OpinionMessage_sourceKind_sourceId_key" ON "OpinionMessage"("sourceKind", "sourceId");

-- CreateIndex
CREATE INDEX "OpinionMessage_at_idx" ON "OpinionMessage"("at");
