-- The opinion monitor keeps topic counts by delta (issue 16, src/opinion/topic-writes.ts): a
-- topic lists its latest tickets and counts them all; a ticket already in a topic is found
-- by its number.
ALTER TABLE "OpinionTopic" ADD COLUMN "ticketCount" INTEGER NOT NULL DEFAULT 0;
UPDATE "OpinionTopic" t SET "ticketCount" = cardinality(t."ticketNumbers"),
  "ticketNumbers" = coalesce((
    SELECT (array_agg(n."ticketNumber" ORDER BY n."at" DESC, n."ticketNumber" DESC))[1:50]
    FROM (SELECT m."ticketNumber", max(m."at") AS "at" FROM "OpinionMessage" m
          WHERE m."topicId" = t."id" AND m."ticketNumber" IS NOT NULL GROUP BY 1) n), '{}')
WHERE cardinality(t."ticketNumbers") > 0;
CREATE INDEX "OpinionMessage_ticketNumber_idx" ON "OpinionMessage"("ticketNumber");
