-- The control plane's first schema. Standard SQL that H2 2.x and PostgreSQL 15+ both run.
--
-- Conventions:
--   * Instants are TIMESTAMP WITH TIME ZONE, kept to the microsecond (the stores truncate).
--   * Maps and lists of strings are JSON text: a JSON object of strings ({"env":"prod"}) or a
--     JSON array of strings (["com.example.x"]), written by the stores (see JsonColumns).
--   * Messages the agent reported and that the control plane keeps opaque are their protobuf
--     bytes (opamp.proto messages ComponentHealth, AvailableComponents, PackageStatuses).
--   * Enums are their Java constant names.

-- One row per agent, keyed by its instance UID. The inventory writes changed agents in batches
-- (one MERGE per agent, one transaction per batch); the latest state replaces the row.
CREATE TABLE agents (
  instance_uid                 UUID                     NOT NULL,
  first_seen                   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen                    TIMESTAMP WITH TIME ZONE NOT NULL,
  -- AgentConnectionInfo
  connected                    BOOLEAN                  NOT NULL,
  transport                    VARCHAR(16)              NOT NULL,
  remote_address               VARCHAR                  NOT NULL,
  connected_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
  disconnected_at              TIMESTAMP WITH TIME ZONE,
  close_reason                 VARCHAR,
  -- The AgentCapabilities bitmask.
  capabilities                 BIGINT                   NOT NULL,
  identifying_attributes       VARCHAR                  NOT NULL,
  non_identifying_attributes   VARCHAR                  NOT NULL,
  health                       BYTEA,
  health_reported_at           TIMESTAMP WITH TIME ZONE,
  -- File name to text.
  effective_config             VARCHAR                  NOT NULL,
  effective_config_reported_at TIMESTAMP WITH TIME ZONE,
  -- RemoteConfigReport: all four are null when the agent never reported a status.
  remote_config_status         VARCHAR(16),
  remote_config_hash           VARCHAR,
  remote_config_error          VARCHAR,
  remote_config_reported_at    TIMESTAMP WITH TIME ZONE,
  -- ConfigOfferRecord: all four are null when nothing was offered.
  last_offer_config            VARCHAR,
  last_offer_version           INTEGER,
  last_offer_hash              VARCHAR,
  last_offer_at                TIMESTAMP WITH TIME ZONE,
  available_components         BYTEA,
  package_statuses             BYTEA,
  custom_capabilities          VARCHAR                  NOT NULL,
  labels                       VARCHAR                  NOT NULL,
  direct_config                VARCHAR,
  CONSTRAINT agents_pk PRIMARY KEY (instance_uid),
  CONSTRAINT agents_remote_config_complete CHECK (
    (remote_config_status IS NULL AND remote_config_hash IS NULL
      AND remote_config_error IS NULL AND remote_config_reported_at IS NULL)
    OR (remote_config_status IS NOT NULL AND remote_config_hash IS NOT NULL
      AND remote_config_error IS NOT NULL AND remote_config_reported_at IS NOT NULL)),
  CONSTRAINT agents_last_offer_complete CHECK (
    (last_offer_config IS NULL AND last_offer_version IS NULL
      AND last_offer_hash IS NULL AND last_offer_at IS NULL)
    OR (last_offer_config IS NOT NULL AND last_offer_version IS NOT NULL
      AND last_offer_hash IS NOT NULL AND last_offer_at IS NOT NULL))
);

-- Each agent's timeline, append-only. No foreign key to agents: events are written in their own
-- batch and may reach the table before the agent's row does. Deleting an agent deletes its events.
CREATE TABLE agent_events (
  id           BIGINT GENERATED ALWAYS AS IDENTITY,
  instance_uid UUID                     NOT NULL,
  occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  kind         VARCHAR(32)              NOT NULL,
  message      VARCHAR                  NOT NULL,
  CONSTRAINT agent_events_pk PRIMARY KEY (id)
);

-- The timeline query: one agent's events, newest first, before a time.
CREATE INDEX agent_events_by_agent_and_time ON agent_events (instance_uid, occurred_at);

-- One row per named configuration: when it was created, its latest version and its settings
-- (not versioned). latest_version is the optimistic lock: a new version N is stored only by
-- moving latest_version from N-1 to N in the same transaction.
CREATE TABLE configurations (
  name                 VARCHAR(255)             NOT NULL,
  created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  latest_version       INTEGER                  NOT NULL,
  -- ConfigSettings: an ISO-8601 duration such as PT30S; null for the agents' default.
  heartbeat_interval   VARCHAR(64),
  -- A TelemetryDestination is an endpoint and its headers (a JSON object); both null for none.
  -- Headers may carry API keys: they are stored as given.
  own_metrics_endpoint VARCHAR,
  own_metrics_headers  VARCHAR,
  own_logs_endpoint    VARCHAR,
  own_logs_headers     VARCHAR,
  own_traces_endpoint  VARCHAR,
  own_traces_headers   VARCHAR,
  CONSTRAINT configurations_pk PRIMARY KEY (name),
  CONSTRAINT configurations_latest_version_positive CHECK (latest_version >= 1)
);

-- Every version of every configuration, immutable once written. The primary key is the second
-- guard against two writers storing the same version.
CREATE TABLE config_versions (
  name       VARCHAR(255)             NOT NULL,
  version    INTEGER                  NOT NULL,
  selector   VARCHAR                  NOT NULL,
  priority   INTEGER                  NOT NULL,
  -- File name to YAML text.
  files      VARCHAR                  NOT NULL,
  hash       VARCHAR(64)              NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  author     VARCHAR                  NOT NULL,
  note       VARCHAR                  NOT NULL,
  CONSTRAINT config_versions_pk PRIMARY KEY (name, version),
  CONSTRAINT config_versions_configuration_fk FOREIGN KEY (name)
    REFERENCES configurations (name) ON DELETE CASCADE
);

-- API tokens: only the SHA-256 of each token is kept, never the token.
CREATE TABLE api_tokens (
  id         VARCHAR(64)              NOT NULL,
  name       VARCHAR                  NOT NULL,
  hash       VARCHAR(64)              NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT api_tokens_pk PRIMARY KEY (id),
  CONSTRAINT api_tokens_hash_unique UNIQUE (hash)
);
