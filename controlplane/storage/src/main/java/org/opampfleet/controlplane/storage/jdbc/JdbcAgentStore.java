/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.AgentStore;
import org.opampfleet.controlplane.agent.ConfigOfferRecord;
import org.opampfleet.controlplane.agent.Interning;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Keeps the agent inventory in the {@code agents} table and the timelines in {@code agent_events}.
 *
 * <p>{@link #saveAll} writes one standard {@code MERGE} per agent, sent in JDBC batches of {@value
 * #BATCH_SIZE} inside a single transaction. Agents are written in instance-UID order, so two
 * concurrent batches lock rows in the same order and cannot deadlock; and since a {@code MERGE}
 * that races a concurrent insert of the same new agent fails rather than waits, a batch that hits a
 * unique violation (or a deadlock or serialization failure) is run again, up to {@value
 * #MAX_ATTEMPTS} times in all.
 *
 * <p>Instants come back truncated to the microsecond, and text columns cannot hold U+0000 (see
 * {@link SqlValues}); map and list fields are stored as JSON ({@link JsonColumns}) and keep every
 * character.
 *
 * <p><b>Thread safety:</b> thread-safe; each call borrows its own connection. Methods block.
 */
final class JdbcAgentStore implements AgentStore {
  /** Agents per JDBC batch: bounds the driver's buffers, whatever the size of one call. */
  static final int BATCH_SIZE = 1000;

  private static final int MAX_ATTEMPTS = 3;
  private static final int FETCH_SIZE = 1000;

  private static final String COLUMNS =
      """
      instance_uid, first_seen, last_seen, connected, transport, remote_address,
      connected_at, disconnected_at, close_reason, capabilities,
      identifying_attributes, non_identifying_attributes, health, health_reported_at,
      effective_config, effective_config_reported_at, remote_config_status,
      remote_config_hash, remote_config_error, remote_config_reported_at,
      last_offer_config, last_offer_version, last_offer_hash, last_offer_at,
      available_components, package_statuses, custom_capabilities, labels,
      direct_config
      """;

  // The casts give PostgreSQL the parameter types: a bare parameter in VALUES would be text.
  private static final String UPSERT =
      """
      MERGE INTO agents a
      USING (VALUES (
          CAST(:instance_uid AS UUID),
          CAST(:first_seen AS TIMESTAMP WITH TIME ZONE),
          CAST(:last_seen AS TIMESTAMP WITH TIME ZONE),
          CAST(:connected AS BOOLEAN),
          CAST(:transport AS VARCHAR),
          CAST(:remote_address AS VARCHAR),
          CAST(:connected_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:disconnected_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:close_reason AS VARCHAR),
          CAST(:capabilities AS BIGINT),
          CAST(:identifying_attributes AS VARCHAR),
          CAST(:non_identifying_attributes AS VARCHAR),
          CAST(:health AS BYTEA),
          CAST(:health_reported_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:effective_config AS VARCHAR),
          CAST(:effective_config_reported_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:remote_config_status AS VARCHAR),
          CAST(:remote_config_hash AS VARCHAR),
          CAST(:remote_config_error AS VARCHAR),
          CAST(:remote_config_reported_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:last_offer_config AS VARCHAR),
          CAST(:last_offer_version AS INTEGER),
          CAST(:last_offer_hash AS VARCHAR),
          CAST(:last_offer_at AS TIMESTAMP WITH TIME ZONE),
          CAST(:available_components AS BYTEA),
          CAST(:package_statuses AS BYTEA),
          CAST(:custom_capabilities AS VARCHAR),
          CAST(:labels AS VARCHAR),
          CAST(:direct_config AS VARCHAR)
        )) AS s (
          instance_uid, first_seen, last_seen, connected, transport, remote_address,
          connected_at, disconnected_at, close_reason, capabilities,
          identifying_attributes, non_identifying_attributes, health, health_reported_at,
          effective_config, effective_config_reported_at, remote_config_status,
          remote_config_hash, remote_config_error, remote_config_reported_at,
          last_offer_config, last_offer_version, last_offer_hash, last_offer_at,
          available_components, package_statuses, custom_capabilities, labels,
          direct_config
        )
      ON a.instance_uid = s.instance_uid
      WHEN MATCHED THEN UPDATE SET
          first_seen = s.first_seen,
          last_seen = s.last_seen,
          connected = s.connected,
          transport = s.transport,
          remote_address = s.remote_address,
          connected_at = s.connected_at,
          disconnected_at = s.disconnected_at,
          close_reason = s.close_reason,
          capabilities = s.capabilities,
          identifying_attributes = s.identifying_attributes,
          non_identifying_attributes = s.non_identifying_attributes,
          health = s.health,
          health_reported_at = s.health_reported_at,
          effective_config = s.effective_config,
          effective_config_reported_at = s.effective_config_reported_at,
          remote_config_status = s.remote_config_status,
          remote_config_hash = s.remote_config_hash,
          remote_config_error = s.remote_config_error,
          remote_config_reported_at = s.remote_config_reported_at,
          last_offer_config = s.last_offer_config,
          last_offer_version = s.last_offer_version,
          last_offer_hash = s.last_offer_hash,
          last_offer_at = s.last_offer_at,
          available_components = s.available_components,
          package_statuses = s.package_statuses,
          custom_capabilities = s.custom_capabilities,
          labels = s.labels,
          direct_config = s.direct_config
      WHEN NOT MATCHED THEN INSERT (
          instance_uid, first_seen, last_seen, connected, transport, remote_address,
          connected_at, disconnected_at, close_reason, capabilities,
          identifying_attributes, non_identifying_attributes, health, health_reported_at,
          effective_config, effective_config_reported_at, remote_config_status,
          remote_config_hash, remote_config_error, remote_config_reported_at,
          last_offer_config, last_offer_version, last_offer_hash, last_offer_at,
          available_components, package_statuses, custom_capabilities, labels,
          direct_config
        ) VALUES (
          s.instance_uid, s.first_seen, s.last_seen, s.connected, s.transport,
          s.remote_address, s.connected_at, s.disconnected_at, s.close_reason,
          s.capabilities, s.identifying_attributes, s.non_identifying_attributes, s.health,
          s.health_reported_at, s.effective_config, s.effective_config_reported_at,
          s.remote_config_status, s.remote_config_hash, s.remote_config_error,
          s.remote_config_reported_at, s.last_offer_config, s.last_offer_version,
          s.last_offer_hash, s.last_offer_at, s.available_components, s.package_statuses,
          s.custom_capabilities, s.labels, s.direct_config
        )
      """;

  // The later of the two last-seen times (see V2__agent_last_seen.sql); a CASE because H2 and
  // PostgreSQL treat a null in GREATEST differently.
  private static final String SELECT_ALL =
      "SELECT "
          + COLUMNS
              .replace("instance_uid,", "a.instance_uid,")
              .replace(
                  "last_seen,",
                  "CASE WHEN p.last_seen > a.last_seen THEN p.last_seen ELSE a.last_seen END"
                      + " AS last_seen,")
          + " FROM agents a LEFT JOIN agent_last_seen p ON p.instance_uid = a.instance_uid";

  private static final String DELETE_EVENTS = "DELETE FROM agent_events WHERE instance_uid = :uid";

  private static final String DELETE_AGENT = "DELETE FROM agents WHERE instance_uid = :uid";

  private static final String UPSERT_LAST_SEEN =
      """
      MERGE INTO agent_last_seen p
      USING (VALUES (CAST(:uid AS UUID), CAST(:last_seen AS TIMESTAMP WITH TIME ZONE)))
        AS s (instance_uid, last_seen)
      ON p.instance_uid = s.instance_uid
      WHEN MATCHED THEN UPDATE SET last_seen = s.last_seen
      WHEN NOT MATCHED THEN INSERT (instance_uid, last_seen) VALUES (s.instance_uid, s.last_seen)
      """;

  private static final String DELETE_LAST_SEEN =
      "DELETE FROM agent_last_seen WHERE instance_uid = :uid";

  private static final String INSERT_EVENT =
      """
      INSERT INTO agent_events (instance_uid, occurred_at, kind, message)
      VALUES (:instance_uid, :occurred_at, :kind, :message)
      """;

  // Same-time events come back newest-inserted first; the index serves both variants.
  private static final String SELECT_EVENTS =
      """
      SELECT instance_uid, occurred_at, kind, message
      FROM agent_events
      WHERE instance_uid = :uid
      ORDER BY occurred_at DESC, id DESC
      FETCH FIRST :limit ROWS ONLY
      """;

  private static final String SELECT_EVENTS_BEFORE =
      """
      SELECT instance_uid, occurred_at, kind, message
      FROM agent_events
      WHERE instance_uid = :uid AND occurred_at < :before
      ORDER BY occurred_at DESC, id DESC
      FETCH FIRST :limit ROWS ONLY
      """;

  private final Jdbi jdbi;

  JdbcAgentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public List<Agent> loadAll() {
    // In a transaction, so the PostgreSQL driver streams FETCH_SIZE rows at a time instead of
    // holding the whole result alongside the agents built from it.
    return jdbi.inTransaction(
        handle ->
            handle
                .createQuery(SELECT_ALL)
                .setFetchSize(FETCH_SIZE)
                .map((row, context) -> readAgent(row))
                .list());
  }

  @Override
  public void saveAll(Collection<Agent> agents) {
    requireNonNull(agents, "agents");
    if (agents.isEmpty()) {
      return;
    }
    // Latest state wins within a batch too. UID order is the lock order (see the class comment).
    Map<InstanceUid, Agent> byUid = new TreeMap<>();
    for (Agent agent : agents) {
      byUid.put(requireNonNull(agent, "agents contains null").instanceUid(), agent);
    }
    List<Agent> rows = new ArrayList<>(byUid.values());
    for (int attempt = 1; ; attempt++) {
      try {
        jdbi.useTransaction(
            handle -> {
              for (int from = 0; from < rows.size(); from += BATCH_SIZE) {
                try (PreparedBatch batch = handle.prepareBatch(UPSERT)) {
                  for (Agent agent : rows.subList(from, Math.min(from + BATCH_SIZE, rows.size()))) {
                    bind(batch, agent);
                    batch.add();
                  }
                  batch.execute();
                }
              }
            });
        return;
      } catch (JdbiException e) {
        if (attempt >= MAX_ATTEMPTS || !SqlStates.isWorthRetrying(e)) {
          throw e;
        }
      }
    }
  }

  @Override
  public void saveLastSeen(Map<InstanceUid, Instant> lastSeen) {
    requireNonNull(lastSeen, "lastSeen");
    if (lastSeen.isEmpty()) {
      return;
    }
    // UID order is the lock order, as in saveAll.
    List<Map.Entry<InstanceUid, Instant>> rows =
        new ArrayList<>(new TreeMap<>(lastSeen).entrySet());
    jdbi.useTransaction(
        handle -> {
          for (int from = 0; from < rows.size(); from += BATCH_SIZE) {
            try (PreparedBatch batch = handle.prepareBatch(UPSERT_LAST_SEEN)) {
              for (Map.Entry<InstanceUid, Instant> row :
                  rows.subList(from, Math.min(from + BATCH_SIZE, rows.size()))) {
                batch
                    .bind("uid", SqlValues.uuid(row.getKey().toUuid()))
                    .bind("last_seen", SqlValues.timestamp(row.getValue()))
                    .add();
              }
              batch.execute();
            }
          }
        });
  }

  @Override
  public boolean delete(InstanceUid instanceUid) {
    requireNonNull(instanceUid, "instanceUid");
    UUID uid = instanceUid.toUuid();
    return jdbi.inTransaction(
        handle -> {
          handle.createUpdate(DELETE_EVENTS).bind("uid", SqlValues.uuid(uid)).execute();
          handle.createUpdate(DELETE_LAST_SEEN).bind("uid", SqlValues.uuid(uid)).execute();
          return handle.createUpdate(DELETE_AGENT).bind("uid", SqlValues.uuid(uid)).execute() > 0;
        });
  }

  @Override
  public void appendEvents(Collection<AgentEvent> events) {
    requireNonNull(events, "events");
    if (events.isEmpty()) {
      return;
    }
    List<AgentEvent> rows = List.copyOf(events);
    jdbi.useTransaction(
        handle -> {
          for (int from = 0; from < rows.size(); from += BATCH_SIZE) {
            try (PreparedBatch batch = handle.prepareBatch(INSERT_EVENT)) {
              for (AgentEvent event :
                  rows.subList(from, Math.min(from + BATCH_SIZE, rows.size()))) {
                batch
                    .bind("instance_uid", SqlValues.uuid(event.instanceUid().toUuid()))
                    .bind("occurred_at", SqlValues.timestamp(event.time()))
                    .bind("kind", SqlValues.text(event.kind().name()))
                    .bind("message", SqlValues.text(event.message()))
                    .add();
              }
              batch.execute();
            }
          }
        });
  }

  @Override
  public List<AgentEvent> events(InstanceUid instanceUid, @Nullable Instant before, int limit) {
    requireNonNull(instanceUid, "instanceUid");
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
    }
    if (limit == 0) {
      return List.of();
    }
    return jdbi.withHandle(
        handle ->
            (before == null
                    ? handle.createQuery(SELECT_EVENTS)
                    : handle
                        .createQuery(SELECT_EVENTS_BEFORE)
                        // Stored times are whole microseconds: see SqlValues.ceil.
                        .bind("before", SqlValues.timestamp(SqlValues.ceil(before))))
                .bind("uid", SqlValues.uuid(instanceUid.toUuid()))
                .bind("limit", limit)
                .map((row, context) -> readEvent(row))
                .list());
  }

  private static void bind(PreparedBatch batch, Agent agent) {
    AgentConnectionInfo connection = agent.connection();
    RemoteConfigReport remote = agent.remoteConfig();
    ConfigOfferRecord offer = agent.lastOffer();
    batch
        .bind("instance_uid", SqlValues.uuid(agent.instanceUid().toUuid()))
        .bind("first_seen", SqlValues.timestamp(agent.firstSeen()))
        .bind("last_seen", SqlValues.timestamp(agent.lastSeen()))
        .bind("connected", connection.connected())
        .bind("transport", SqlValues.text(connection.transport().name()))
        .bind("remote_address", SqlValues.text(connection.remoteAddress()))
        .bind("connected_at", SqlValues.timestamp(connection.connectedAt()))
        .bind("disconnected_at", SqlValues.timestamp(connection.disconnectedAt()))
        .bind("close_reason", SqlValues.text(connection.closeReason()))
        .bind("capabilities", agent.capabilities())
        .bind("identifying_attributes", json(agent.identifyingAttributes()))
        .bind("non_identifying_attributes", json(agent.nonIdentifyingAttributes()))
        .bind("health", SqlValues.bytes(bytes(agent.health())))
        .bind("health_reported_at", SqlValues.timestamp(agent.healthReportedAt()))
        .bind("effective_config", json(agent.effectiveConfig()))
        .bind(
            "effective_config_reported_at", SqlValues.timestamp(agent.effectiveConfigReportedAt()))
        .bind(
            "remote_config_status", SqlValues.text(remote == null ? null : remote.status().name()))
        .bind("remote_config_hash", SqlValues.text(remote == null ? null : remote.hash()))
        .bind("remote_config_error", SqlValues.text(remote == null ? null : remote.errorMessage()))
        .bind(
            "remote_config_reported_at",
            SqlValues.timestamp(remote == null ? null : remote.reportedAt()))
        .bind("last_offer_config", SqlValues.text(offer == null ? null : offer.configName()))
        .bind("last_offer_version", SqlValues.integer(offer == null ? null : offer.version()))
        .bind("last_offer_hash", SqlValues.text(offer == null ? null : offer.hash()))
        .bind("last_offer_at", SqlValues.timestamp(offer == null ? null : offer.offeredAt()))
        .bind("available_components", SqlValues.bytes(bytes(agent.availableComponents())))
        .bind("package_statuses", SqlValues.bytes(bytes(agent.packageStatuses())))
        .bind(
            "custom_capabilities",
            SqlValues.text(JsonColumns.writeList(agent.customCapabilities())))
        .bind("labels", json(agent.labels()))
        .bind("direct_config", SqlValues.text(agent.directConfig()));
  }

  private static Agent readAgent(ResultSet row) throws SQLException {
    InstanceUid uid = InstanceUid.of(SqlValues.uuid(row, "instance_uid"));
    AgentConnectionInfo connection =
        new AgentConnectionInfo(
            row.getBoolean("connected"),
            SqlValues.enumValue(Transport.class, "transport", SqlValues.string(row, "transport")),
            SqlValues.string(row, "remote_address"),
            SqlValues.instant(row, "connected_at"),
            SqlValues.nullableInstant(row, "disconnected_at"),
            row.getString("close_reason"));
    String remoteStatus = row.getString("remote_config_status");
    RemoteConfigReport remote =
        remoteStatus == null
            ? null
            : new RemoteConfigReport(
                SqlValues.enumValue(
                    RemoteConfigReport.Status.class, "remote_config_status", remoteStatus),
                SqlValues.string(row, "remote_config_hash"),
                SqlValues.string(row, "remote_config_error"),
                SqlValues.instant(row, "remote_config_reported_at"));
    // The schema keeps the four offer columns all null or all set.
    Integer offerVersion = SqlValues.nullableInteger(row, "last_offer_version");
    ConfigOfferRecord offer =
        offerVersion == null
            ? null
            : new ConfigOfferRecord(
                SqlValues.string(row, "last_offer_config"),
                offerVersion,
                SqlValues.string(row, "last_offer_hash"),
                SqlValues.instant(row, "last_offer_at"));
    return new Agent(
        uid,
        SqlValues.instant(row, "first_seen"),
        SqlValues.instant(row, "last_seen"),
        connection,
        row.getLong("capabilities"),
        map(row, "identifying_attributes", uid),
        map(row, "non_identifying_attributes", uid),
        message(row, "health", uid, bytes -> Interning.health(ComponentHealth.parseFrom(bytes))),
        SqlValues.nullableInstant(row, "health_reported_at"),
        map(row, "effective_config", uid),
        SqlValues.nullableInstant(row, "effective_config_reported_at"),
        remote,
        offer,
        message(
            row,
            "available_components",
            uid,
            bytes -> Interning.components(AvailableComponents.parseFrom(bytes))),
        message(row, "package_statuses", uid, PackageStatuses::parseFrom),
        list(row, "custom_capabilities", uid),
        map(row, "labels", uid),
        row.getString("direct_config"));
  }

  private static AgentEvent readEvent(ResultSet row) throws SQLException {
    return new AgentEvent(
        InstanceUid.of(SqlValues.uuid(row, "instance_uid")),
        SqlValues.instant(row, "occurred_at"),
        SqlValues.enumValue(AgentEvent.Kind.class, "kind", SqlValues.string(row, "kind")),
        SqlValues.string(row, "message"));
  }

  private static Argument json(Map<String, String> map) {
    return SqlValues.text(JsonColumns.writeMap(map));
  }

  private static byte @Nullable [] bytes(@Nullable MessageLite message) {
    return message == null ? null : message.toByteArray();
  }

  private static Map<String, String> map(ResultSet row, String column, InstanceUid uid)
      throws SQLException {
    try {
      return JsonColumns.readMap(SqlValues.string(row, column));
    } catch (IllegalArgumentException e) {
      throw corrupt(column, uid, e);
    }
  }

  private static List<String> list(ResultSet row, String column, InstanceUid uid)
      throws SQLException {
    try {
      return JsonColumns.readList(SqlValues.string(row, column));
    } catch (IllegalArgumentException e) {
      throw corrupt(column, uid, e);
    }
  }

  /** Parses protobuf bytes; like {@code ComponentHealth::parseFrom}. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private static <T> @Nullable T message(
      ResultSet row, String column, InstanceUid uid, Parser<T> parser) throws SQLException {
    byte[] bytes = row.getBytes(column);
    if (bytes == null) {
      return null;
    }
    try {
      return parser.parse(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(column, uid, e);
    }
  }

  private static IllegalStateException corrupt(String column, InstanceUid uid, Exception cause) {
    return new IllegalStateException(
        "agents." + column + " of agent " + uid + " cannot be read: " + cause.getMessage(), cause);
  }
}
