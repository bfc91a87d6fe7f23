-- The figures read the property ratings of a place's estates per period (docs/FIGURES.md), from
-- the index alone.
CREATE INDEX property_ratings_by_estate_period
    ON property_ratings (estate_id, period, security, cleaning, greening, orderly, repair);
