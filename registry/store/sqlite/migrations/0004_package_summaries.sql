-- 0004_package_summaries: PackageSummaries reads, for each package of a
-- page, the time of its newest release; with created_at in an index
-- beside package_id that is read off the index instead of every release
-- row of the package.
CREATE INDEX releases_package_created ON releases (package_id, created_at);
