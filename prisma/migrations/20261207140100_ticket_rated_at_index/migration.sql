-- The last day's ratings, read by the reconciler that puts back lost opinion-analysis jobs
-- (src/opinion/opinion-job-recovery.ts).

CREATE INDEX "Ticket_ratedAt_idx" ON "Ticket"("ratedAt");
