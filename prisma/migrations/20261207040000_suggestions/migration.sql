-- Suggestions (建言) and praise (表扬) are tickets too (Ticket.kind "suggestion", "praise");
-- a suggestion is closed with a verdict (采纳, 部分采纳, 暂不采纳). The Feedback table keeps
-- the suggestions recorded before, and no new rows.

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "verdict" TEXT;
