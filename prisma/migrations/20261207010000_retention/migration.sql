-- Retention (src/cases/retention.ts): personal content is erased some time after a case
-- is finished, and the audit trail still verifies, because new events are chained over
-- a hash of their personal content (contentHash) instead of the content itself.

ALTER TABLE "TicketEvent" ADD COLUMN "contentHash" TEXT;
ALTER TABLE "TicketEvent" ADD COLUMN "purgedAt" TIMESTAMP(3);
ALTER TABLE "Ticket" ADD COLUMN "purgedAt" TIMESTAMP(3);
ALTER TABLE "Conversation" ADD COLUMN "purgedAt" TIMESTAMP(3);

-- Finding what is due: finished tickets by last change, quiet conversations by last activity.
CREATE INDEX "Ticket_purgedAt_updatedAt_idx" ON "Ticket"("purgedAt", "updatedAt");
CREATE INDEX "Conversation_purgedAt_lastActiveAt_idx" ON "Conversation"("purgedAt", "lastActiveAt");
CREATE INDEX "Ticket_conversationId_idx" ON "Ticket"("conversationId");
CREATE INDEX "Message_createdAt_idx" ON "Message"("createdAt");
CREATE INDEX "Feedback_createdAt_idx" ON "Feedback"("createdAt");

-- Still append-only, with one exception: erasing an event's personal content once, which
-- keeps everything the chain hashes directly (the content hash included) and marks the
-- event purged. Any other change, and every DELETE, is refused as before.
CREATE OR REPLACE FUNCTION "ticket_event_is_append_only"() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD."purgedAt" IS NULL AND NEW."purgedAt" IS NOT NULL
        AND NEW."note" IS NULL
        AND NEW."data" = OLD."data" - ARRAY['reply', 'comment', 'supplement']
        AND NEW."id" = OLD."id" AND NEW."ticketId" = OLD."ticketId" AND NEW."seq" = OLD."seq"
        AND NEW."type" = OLD."type" AND NEW."actor" = OLD."actor" AND NEW."createdAt" = OLD."createdAt"
        AND NEW."prevHash" = OLD."prevHash" AND NEW."hash" = OLD."hash"
        AND NEW."contentHash" IS NOT DISTINCT FROM OLD."contentHash"
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'TicketEvent is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
