-- The sums of each estate's ratings per period (docs/FIGURES.md: the figures' property columns), kept
-- by triggers in the rating's own statement: a new rating adds itself, a changed rating swaps its
-- old stars for the new. So a district's year is read as its estates' periods (hundreds of rows),
-- not as every rating (hundreds of thousands). Everything here can be recomputed from
-- property_ratings.

CREATE TABLE property_period_sums (
    estate_id INTEGER NOT NULL REFERENCES property_estates (id),
    period    TEXT    NOT NULL,
    raters    INTEGER NOT NULL,
    security  INTEGER NOT NULL,
    cleaning  INTEGER NOT NULL,
    greening  INTEGER NOT NULL,
    orderly   INTEGER NOT NULL,
    repair    INTEGER NOT NULL,
    -- Duty marks of 4 or 5 stars (at most raters × 5).
    satisfied INTEGER NOT NULL,
    PRIMARY KEY (estate_id, period)
);

CREATE TRIGGER property_ratings_sum_new AFTER INSERT ON property_ratings
BEGIN
    INSERT INTO property_period_sums (estate_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
    VALUES (NEW.estate_id, NEW.period, 1, NEW.security, NEW.cleaning, NEW.greening, NEW.orderly, NEW.repair,
            (NEW.security >= 4) + (NEW.cleaning >= 4) + (NEW.greening >= 4) + (NEW.orderly >= 4) + (NEW.repair >= 4))
    ON CONFLICT (estate_id, period) DO UPDATE SET
        raters = raters + 1,
        security = security + excluded.security,
        cleaning = cleaning + excluded.cleaning,
        greening = greening + excluded.greening,
        orderly = orderly + excluded.orderly,
        repair = repair + excluded.repair,
        satisfied = satisfied + excluded.satisfied;
END;

CREATE TRIGGER property_ratings_sum_changed AFTER UPDATE ON property_ratings
BEGIN
    UPDATE property_period_sums SET
        security = security - OLD.security + NEW.security,
        cleaning = cleaning - OLD.cleaning + NEW.cleaning,
        greening = greening - OLD.greening + NEW.greening,
        orderly = orderly - OLD.orderly + NEW.orderly,
        repair = repair - OLD.repair + NEW.repair,
        satisfied = satisfied
            - ((OLD.security >= 4) + (OLD.cleaning >= 4) + (OLD.greening >= 4) + (OLD.orderly >= 4) + (OLD.repair >= 4))
            + ((NEW.security >= 4) + (NEW.cleaning >= 4) + (NEW.greening >= 4) + (NEW.orderly >= 4) + (NEW.repair >= 4))
    WHERE estate_id = NEW.estate_id AND period = NEW.period;
END;

-- The ratings given before this migration.
INSERT INTO property_period_sums (estate_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
SELECT estate_id, period, COUNT(*), SUM(security), SUM(cleaning), SUM(greening), SUM(orderly), SUM(repair),
       SUM((security >= 4) + (cleaning >= 4) + (greening >= 4) + (orderly >= 4) + (repair >= 4))
FROM property_ratings GROUP BY estate_id, period;
