-- 0005_package_summaries: PackageSummaries reads, for each package of a
-- page, the time of its newest release; with created_at in an index
-- beside package_id that is one index probe instead of a read of every
-- release row of the package.
CREATE INDEX releases_package_created ON releases (package_id, created_at);
