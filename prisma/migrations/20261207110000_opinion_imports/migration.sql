-- Public-opinion hub (issue 14): imports of history through the API, with their progress.

CREATE TABLE "OpinionImport" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "staffId" TEXT,
    "username" TEXT NOT NULL,
    "received" INTEGER NOT NULL DEFAULT 0,
    "analyzed" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "OpinionImport_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OpinionImport_status_idx" ON "OpinionImport"("status");
