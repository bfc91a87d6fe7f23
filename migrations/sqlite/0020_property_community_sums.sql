-- The sums of each community's ratings per period (docs/FIGURES.md: the figures' property
-- columns): the per-estate period sums of migration 0017 added up by community, kept by triggers
-- in the same statement. A community's, street's or district's figures read a row per community
-- and period (a street's year: about 6 × 13 rows) instead of one per estate and period.
--   * A per-estate row that is added or changed adds its change to its estate's community.
--   * An estate moved to another community takes its sums with it.
-- Everything here can be recomputed from property_period_sums (and so from property_ratings).

CREATE TABLE property_community_sums (
    community_id INTEGER NOT NULL REFERENCES places (id),
    period       TEXT    NOT NULL,
    raters       INTEGER NOT NULL,
    security     INTEGER NOT NULL,
    cleaning     INTEGER NOT NULL,
    greening     INTEGER NOT NULL,
    orderly      INTEGER NOT NULL,
    repair       INTEGER NOT NULL,
    satisfied    INTEGER NOT NULL,
    PRIMARY KEY (community_id, period)
);

CREATE TRIGGER property_period_sums_community_new AFTER INSERT ON property_period_sums
BEGIN
    INSERT INTO property_community_sums (community_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
    SELECT e.community_id, NEW.period, NEW.raters, NEW.security, NEW.cleaning, NEW.greening, NEW.orderly, NEW.repair,
           NEW.satisfied
    FROM property_estates e WHERE e.id = NEW.estate_id
    ON CONFLICT (community_id, period) DO UPDATE SET
        raters = raters + excluded.raters,
        security = security + excluded.security,
        cleaning = cleaning + excluded.cleaning,
        greening = greening + excluded.greening,
        orderly = orderly + excluded.orderly,
        repair = repair + excluded.repair,
        satisfied = satisfied + excluded.satisfied;
END;

-- A per-estate row's change (its estate, and so its community, stays).
CREATE TRIGGER property_period_sums_community_changed AFTER UPDATE ON property_period_sums
BEGIN
    UPDATE property_community_sums SET
        raters = raters - OLD.raters + NEW.raters,
        security = security - OLD.security + NEW.security,
        cleaning = cleaning - OLD.cleaning + NEW.cleaning,
        greening = greening - OLD.greening + NEW.greening,
        orderly = orderly - OLD.orderly + NEW.orderly,
        repair = repair - OLD.repair + NEW.repair,
        satisfied = satisfied - OLD.satisfied + NEW.satisfied
    WHERE community_id = (SELECT community_id FROM property_estates WHERE id = NEW.estate_id) AND period = NEW.period;
END;

-- An estate moved to another community: its sums leave the old community and join the new (two
-- different communities, so each row of the statement meets its own sums row).
CREATE TRIGGER property_estates_moved AFTER UPDATE OF community_id ON property_estates
    WHEN OLD.community_id <> NEW.community_id
BEGIN
    INSERT INTO property_community_sums (community_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
    SELECT OLD.community_id, s.period, -s.raters, -s.security, -s.cleaning, -s.greening, -s.orderly, -s.repair,
           -s.satisfied
    FROM property_period_sums s WHERE s.estate_id = OLD.id
    UNION ALL
    SELECT NEW.community_id, s.period, s.raters, s.security, s.cleaning, s.greening, s.orderly, s.repair, s.satisfied
    FROM property_period_sums s WHERE s.estate_id = NEW.id
    ON CONFLICT (community_id, period) DO UPDATE SET
        raters = raters + excluded.raters,
        security = security + excluded.security,
        cleaning = cleaning + excluded.cleaning,
        greening = greening + excluded.greening,
        orderly = orderly + excluded.orderly,
        repair = repair + excluded.repair,
        satisfied = satisfied + excluded.satisfied;
END;

-- The ratings given before this migration.
INSERT INTO property_community_sums (community_id, period, raters, security, cleaning, greening, orderly, repair, satisfied)
SELECT e.community_id, s.period, SUM(s.raters), SUM(s.security), SUM(s.cleaning), SUM(s.greening), SUM(s.orderly),
       SUM(s.repair), SUM(s.satisfied)
FROM property_period_sums s JOIN property_estates e ON e.id = s.estate_id
GROUP BY e.community_id, s.period;
