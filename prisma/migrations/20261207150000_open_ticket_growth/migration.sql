-- Queries that grew with the open tickets in the soak (issue 16, docs/benchmarks.md).

-- The staff list: one department's tickets of a status, newest first, walked from an index
-- (the list's capped count reads at most its cap of entries from it). It replaces the
-- (departmentCode, status) index, whose every use this one serves.
DROP INDEX "Ticket_departmentCode_status_idx";
CREATE INDEX "Ticket_departmentCode_status_createdAt_number_idx" ON "Ticket"("departmentCode", "status", "createdAt", "number");

-- The 并案 search looks tickets up by place. With GIN's fast update on, new entries wait in a
-- pending list that every search reads whole, until (auto)vacuum or 4 MB of it: tens of
-- thousands of entries while tickets keep coming. A ticket names one or two places, so
-- inserting straight into the index costs little.
ALTER INDEX "Ticket_places_idx" SET (fastupdate = off);
SELECT gin_clean_pending_list('"Ticket_places_idx"');
