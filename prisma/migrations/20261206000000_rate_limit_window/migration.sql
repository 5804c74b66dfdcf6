-- Shared rate-limit counters (used on PostgreSQL, where several instances serve one installation).
CREATE TABLE "rate_limit_window" (
    "key" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("key", "windowStart")
);

CREATE INDEX "rate_limit_window_windowStart_idx" ON "rate_limit_window"("windowStart");
