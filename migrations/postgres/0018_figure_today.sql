-- Today so far (docs/FIGURES.md): every round, the figures job adds the log from the last round's
-- instant to a settled instant (a minute ago) to the day after the watermark, in the same day
-- tables; `partial_upto` (UTC ms) says how far they hold. A request reads those rows and the
-- instant in one statement and counts only the log after it. When the day is over the job deletes
-- the day's rows and sums it afresh from the log, then sets `partial_upto` back to 0.

ALTER TABLE figure_watermark ADD COLUMN partial_upto BIGINT NOT NULL DEFAULT 0;
