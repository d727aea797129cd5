-- The department workbench (issue 12): pending extension requests (延期申请), the
-- inbox's indexes, the supervision history's index, and merge suggestions dismissed.

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "extensionRequestedUntil" TIMESTAMP(3),
ADD COLUMN     "extensionReason" TEXT;

-- CreateTable
CREATE TABLE "MergeDismissal" (
    "id" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "parentId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MergeDismissal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MergeDismissal_childId_parentId_key" ON "MergeDismissal"("childId", "parentId");

-- CreateIndex
CREATE INDEX "Ticket_status_deadlineAt_number_idx" ON "Ticket"("status", "deadlineAt", "number");

-- CreateIndex
CREATE INDEX "Ticket_departmentCode_status_deadlineAt_number_idx" ON "Ticket"("departmentCode", "status", "deadlineAt", "number");

-- CreateIndex
CREATE INDEX "TicketEvent_type_createdAt_idx" ON "TicketEvent"("type", "createdAt");
