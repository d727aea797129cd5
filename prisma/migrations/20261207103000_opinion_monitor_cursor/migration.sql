-- Public-opinion hub (issue 14): where the opinion monitor stopped, so a monitor that starts or takes over knows what it has not seen.

CREATE TABLE "OpinionMonitorCursor" (
    "id" TEXT NOT NULL,
    "horizon" TIMESTAMP(3) NOT NULL,
    "clock" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OpinionMonitorCursor_pkey" PRIMARY KEY ("id")
);

-- The monitor reads the rows stored since it last looked.
CREATE INDEX "OpinionMessage_createdAt_idx" ON "OpinionMessage"("createdAt");
