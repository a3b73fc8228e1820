-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- (0008 is taken by work on another branch; the migrator applies each missing version on its own,
-- so the order in which the two arrive does not matter.)
-- A digest's 30-day chart, as the PNG made when the digest was created: a retry, after a restart
-- too, sends the very picture the first attempt sent, even if incidents of those days arrived or
-- were removed since. NULL for digests made before, and for a digest without a chart.
ALTER TABLE digests ADD COLUMN chart_png BLOB;
