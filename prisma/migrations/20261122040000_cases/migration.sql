-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "category" TEXT,
ADD COLUMN     "district" TEXT,
ADD COLUMN     "places" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "address" TEXT,
ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "longitude" DOUBLE PRECISION,
ADD COLUMN     "parentId" TEXT,
ADD COLUMN     "acceptedAt" TIMESTAMP(3),
ADD COLUMN     "resolvedAt" TIMESTAMP(3),
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "resolvedOnTime" BOOLEAN,
ADD COLUMN     "deadlineAt" TIMESTAMP(3),
ADD COLUMN     "dueBasis" TEXT,
ADD COLUMN     "dueBudgetSeconds" INTEGER,
ADD COLUMN     "dueUsedSeconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dueRunningSince" TIMESTAMP(3),
ADD COLUMN     "remindersSent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "overdue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "overdueAt" TIMESTAMP(3),
ADD COLUMN     "rating" INTEGER,
ADD COLUMN     "ratingComment" TEXT,
ADD COLUMN     "ratedAt" TIMESTAMP(3),
ADD COLUMN     "ratingRequestedAt" TIMESTAMP(3),
ADD COLUMN     "reopenCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "eventCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "headHash" TEXT;

-- CreateTable
CREATE TABLE "StaffAccount" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "departmentCode" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "StaffSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffAudit" (
    "id" TEXT NOT NULL,
    "staffId" TEXT,
    "username" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffNotice" (
    "id" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Ticket_parentId_idx" ON "Ticket"("parentId");

-- CreateIndex
CREATE INDEX "Ticket_district_createdAt_idx" ON "Ticket"("district", "createdAt");

-- CreateIndex
CREATE INDEX "Ticket_places_idx" ON "Ticket" USING GIN ("places");

-- CreateIndex
CREATE INDEX "Ticket_channel_channelUserId_createdAt_idx" ON "Ticket"("channel", "channelUserId", "createdAt");

-- CreateIndex
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_username_key" ON "StaffAccount"("username");

-- CreateIndex
CREATE UNIQUE INDEX "StaffSession_tokenHash_key" ON "StaffSession"("tokenHash");

-- CreateIndex
CREATE INDEX "StaffSession_staffId_idx" ON "StaffSession"("staffId");

-- CreateIndex
CREATE INDEX "StaffAudit_staffId_createdAt_idx" ON "StaffAudit"("staffId", "createdAt");

-- CreateIndex
CREATE INDEX "StaffAudit_createdAt_idx" ON "StaffAudit"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StaffNotice_dedupeKey_key" ON "StaffNotice"("dedupeKey");

-- CreateIndex
CREATE INDEX "StaffNotice_audience_createdAt_idx" ON "StaffNotice"("audience", "createdAt");

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffSession" ADD CONSTRAINT "StaffSession_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "StaffAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffNotice" ADD CONSTRAINT "StaffNotice_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tickets filed before this migration: record the head of their event chain.
UPDATE "Ticket" t SET
    "eventCount" = (SELECT count(*) FROM "TicketEvent" e WHERE e."ticketId" = t."id"),
    "headHash" = (SELECT e."hash" FROM "TicketEvent" e WHERE e."ticketId" = t."id" ORDER BY e."seq" DESC LIMIT 1);

-- Staff actions are on the record for good, like ticket events.
CREATE FUNCTION "staff_audit_is_append_only"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'StaffAudit is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "StaffAudit_append_only"
    BEFORE UPDATE OR DELETE ON "StaffAudit"
    FOR EACH ROW EXECUTE FUNCTION "staff_audit_is_append_only"();
