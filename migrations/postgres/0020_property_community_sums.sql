-- The sums of each community's ratings per period (docs/FIGURES.md: the figures' property
-- columns): the per-estate period sums of migration 0017 added up by community, kept by triggers
-- in the same statement. A community's, street's or district's figures read a row per community
-- and period (a street's year: about 6 × 13 rows) instead of one per estate and period.
--   * A per-estate row that is added or changed adds its change to its estate's community.
--   * An estate moved to another community takes its sums with it.
-- Everything here can be recomputed from property_period_sums (and so from property_ratings).
-- Same table as migrations/sqlite.

CREATE TABLE property_community_sums (
    community_id BIGINT NOT NULL REFERENCES places (id),
    period       TEXT   NOT NULL,
    raters       BIGINT NOT NULL,
    security     BIGINT NOT NULL,
    cleaning     BIGINT NOT NULL,
    greening     BIGINT NOT NULL,
    orderly      BIGINT NOT NULL,
    repair       BIGINT NOT NULL,
    satisfied    BIGINT NOT NULL,
    PRIMARY KEY (community_id, period)
);

-- Adds a change (negative to take away) to a community's period; the row is locked for it, so
-- concurrent ratings in a community add up.
CREATE FUNCTION property_community_add(c BIGINT, p TEXT, n BIGINT, s1 BIGINT, s2 BIGINT, s3 BIGINT, s4 BIGINT,
                                       s5 BIGINT, sat BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO property_community_sums AS s (community_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
    VALUES (c, p, n, s1, s2, s3, s4, s5, sat)
    ON CONFLICT (community_id, period) DO UPDATE SET
        raters = s.raters + excluded.raters,
        security = s.security + excluded.security,
        cleaning = s.cleaning + excluded.cleaning,
        greening = s.greening + excluded.greening,
        orderly = s.orderly + excluded.orderly,
        repair = s.repair + excluded.repair,
        satisfied = s.satisfied + excluded.satisfied;
$$;

CREATE FUNCTION property_period_sums_to_community() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM property_community_add(e.community_id, OLD.period, -OLD.raters, -OLD.security, -OLD.cleaning,
                                       -OLD.greening, -OLD.orderly, -OLD.repair, -OLD.satisfied)
        FROM property_estates e WHERE e.id = OLD.estate_id;
    END IF;
    PERFORM property_community_add(e.community_id, NEW.period, NEW.raters, NEW.security, NEW.cleaning,
                                   NEW.greening, NEW.orderly, NEW.repair, NEW.satisfied)
    FROM property_estates e WHERE e.id = NEW.estate_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER property_period_sums_community AFTER INSERT OR UPDATE ON property_period_sums
    FOR EACH ROW EXECUTE FUNCTION property_period_sums_to_community();

CREATE FUNCTION property_estate_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM property_community_add(OLD.community_id, s.period, -s.raters, -s.security, -s.cleaning, -s.greening,
                                   -s.orderly, -s.repair, -s.satisfied)
    FROM property_period_sums s WHERE s.estate_id = OLD.id;
    PERFORM property_community_add(NEW.community_id, s.period, s.raters, s.security, s.cleaning, s.greening,
                                   s.orderly, s.repair, s.satisfied)
    FROM property_period_sums s WHERE s.estate_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER property_estates_moved AFTER UPDATE OF community_id ON property_estates
    FOR EACH ROW WHEN (OLD.community_id <> NEW.community_id) EXECUTE FUNCTION property_estate_moved();

-- The ratings given before this migration.
INSERT INTO property_community_sums (community_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
SELECT e.community_id, s.period, SUM(s.raters), SUM(s.security), SUM(s.cleaning), SUM(s.greening), SUM(s.orderly),
       SUM(s.repair), SUM(s.satisfied)
FROM property_period_sums s JOIN property_estates e ON e.id = s.estate_id
GROUP BY e.community_id, s.period;
