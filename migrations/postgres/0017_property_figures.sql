-- The sums of each estate's ratings per period (docs/FIGURES.md: the figures' property columns), kept
-- by a trigger in the rating's own statement: a new rating adds itself, a changed rating swaps its
-- old stars for the new (the sums row is locked for it, so concurrent ratings of an estate add up).
-- So a district's year is read as its estates' periods (hundreds of rows), not as every rating
-- (hundreds of thousands). Everything here can be recomputed from property_ratings.
-- Same table as migrations/sqlite.

CREATE TABLE property_period_sums (
    estate_id BIGINT NOT NULL REFERENCES property_estates (id),
    period    TEXT   NOT NULL,
    raters    BIGINT NOT NULL,
    security  BIGINT NOT NULL,
    cleaning  BIGINT NOT NULL,
    greening  BIGINT NOT NULL,
    orderly   BIGINT NOT NULL,
    repair    BIGINT NOT NULL,
    -- Duty marks of 4 or 5 stars (at most raters × 5).
    satisfied BIGINT NOT NULL,
    PRIMARY KEY (estate_id, period)
);

CREATE FUNCTION property_ratings_sum() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE property_period_sums SET
            raters = raters - 1,
            security = security - OLD.security,
            cleaning = cleaning - OLD.cleaning,
            greening = greening - OLD.greening,
            orderly = orderly - OLD.orderly,
            repair = repair - OLD.repair,
            satisfied = satisfied - ((OLD.security >= 4)::int + (OLD.cleaning >= 4)::int + (OLD.greening >= 4)::int
                                     + (OLD.orderly >= 4)::int + (OLD.repair >= 4)::int)
        WHERE estate_id = OLD.estate_id AND period = OLD.period;
    END IF;
    INSERT INTO property_period_sums AS s (estate_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
    VALUES (NEW.estate_id, NEW.period, 1, NEW.security, NEW.cleaning, NEW.greening, NEW.orderly, NEW.repair,
            (NEW.security >= 4)::int + (NEW.cleaning >= 4)::int + (NEW.greening >= 4)::int
            + (NEW.orderly >= 4)::int + (NEW.repair >= 4)::int)
    ON CONFLICT (estate_id, period) DO UPDATE SET
        raters = s.raters + 1,
        security = s.security + excluded.security,
        cleaning = s.cleaning + excluded.cleaning,
        greening = s.greening + excluded.greening,
        orderly = s.orderly + excluded.orderly,
        repair = s.repair + excluded.repair,
        satisfied = s.satisfied + excluded.satisfied;
    RETURN NULL;
END;
$$;
CREATE TRIGGER property_ratings_sums AFTER INSERT OR UPDATE ON property_ratings
    FOR EACH ROW EXECUTE FUNCTION property_ratings_sum();

-- The ratings given before this migration.
INSERT INTO property_period_sums (estate_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
SELECT estate_id, period, COUNT(*), SUM(security), SUM(cleaning), SUM(greening), SUM(orderly), SUM(repair),
       SUM((security >= 4)::int + (cleaning >= 4)::int + (greening >= 4)::int + (orderly >= 4)::int + (repair >= 4)::int)
FROM property_ratings GROUP BY estate_id, period;
