-- PostgreSQL only: storage parameters for the agents table, which every write-behind batch
-- rewrites (at 100,000 agents, most rows change every few minutes).

-- Leave room on each page so an update can stay on the same page (a HOT update): the only index
-- is the primary key, which never changes, so such updates skip the index entirely.
ALTER TABLE agents SET (fillfactor = 70);

-- Dead row versions pile up quickly under that churn; vacuum after 5% of the rows changed rather
-- than the default 20%.
ALTER TABLE agents SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
