-- Last-seen times apart from the agents table. Heartbeats move only last_seen, and the inventory
-- writes those for the whole fleet in one batch every few minutes. Updating agents.last_seen
-- rewrote each agent's whole row (its effective config, attributes and health included): with
-- 19,000 agents on H2 that cost a fifth of a core. These rows are a UID and a time.
--
-- The stores read an agent's last-seen time as the later of agents.last_seen (written with every
-- full write of the agent) and agent_last_seen.last_seen (written by heartbeats).
CREATE TABLE agent_last_seen (
  instance_uid UUID                     NOT NULL,
  last_seen    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT agent_last_seen_pk PRIMARY KEY (instance_uid)
);
