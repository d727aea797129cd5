-- CreateTable
CREATE TABLE "OpinionRollupDay" (
    "dimension" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "value" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "negative" INTEGER NOT NULL DEFAULT 0,
    "neutral" INTEGER NOT NULL DEFAULT 0,
    "positive" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OpinionRollupDay_pkey" PRIMARY KEY ("dimension", "day", "value")
);

-- CreateTable
CREATE TABLE "OpinionRollupZone" (
    "id" TEXT NOT NULL,
    "zone" TEXT NOT NULL,

    CONSTRAINT "OpinionRollupZone_pkey" PRIMARY KEY ("id")
);

-- The days of the rows stored before this migration, in the default TIME_ZONE; a hub in another
-- zone rebuilds them with `npm run opinion -- rollup-days` (until then it reads hours only).
INSERT INTO "OpinionRollupZone" ("id", "zone") VALUES ('day', 'Asia/Shanghai');

INSERT INTO "OpinionRollupDay" ("dimension", "day", "value", "total", "negative", "neutral", "positive")
SELECT "dimension", (("hour" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')::date, "value",
       sum("total"), sum("negative"), sum("neutral"), sum("positive")
FROM "OpinionRollup" WHERE "dimension" <> 'topic'
GROUP BY 1, 2, 3;
