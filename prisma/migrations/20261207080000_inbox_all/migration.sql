-- The workbench inbox's 全部 tab (every ticket but merged ones, by deadline): walked in
-- deadline order from an index instead of sorting every ticket, citywide and per department.
CREATE INDEX "Ticket_deadlineAt_number_idx" ON "Ticket"("deadlineAt", "number");
CREATE INDEX "Ticket_departmentCode_deadlineAt_number_idx" ON "Ticket"("departmentCode", "deadlineAt", "number");
