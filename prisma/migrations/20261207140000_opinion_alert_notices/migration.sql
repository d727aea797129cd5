-- Public-opinion hub (issue 14): which recipients of an alert change (the webhook, duty officers on
-- WeChat) were served, so a retried delivery sends nothing twice.

CREATE TABLE "OpinionAlertNotice" (
    "deliveryId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OpinionAlertNotice_pkey" PRIMARY KEY ("deliveryId","recipient")
);
