/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.opampfleet.controlplane.auth.ApiToken;
import org.opampfleet.controlplane.auth.TokenStore;

/**
 * Keeps API token hashes in the {@code api_tokens} table. Tokens themselves are never stored.
 *
 * <p><b>Thread safety:</b> thread-safe; each call borrows its own connection. Methods block.
 */
final class JdbcTokenStore implements TokenStore {

  private static final String SELECT_ALL =
      "SELECT id, name, hash, created_at FROM api_tokens ORDER BY created_at, id";

  private static final String INSERT =
      "INSERT INTO api_tokens (id, name, hash, created_at) VALUES (:id, :name, :hash, :created_at)";

  private static final String DELETE = "DELETE FROM api_tokens WHERE id = :id";

  private final Jdbi jdbi;

  JdbcTokenStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public List<ApiToken> list() {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(SELECT_ALL)
                .map(
                    (row, context) ->
                        new ApiToken(
                            SqlValues.string(row, "id"),
                            SqlValues.string(row, "name"),
                            SqlValues.string(row, "hash"),
                            SqlValues.instant(row, "created_at")))
                .list());
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if a token with the same id or hash is stored already
   */
  @Override
  public void insert(ApiToken token) {
    requireNonNull(token, "token");
    try {
      jdbi.useHandle(
          handle ->
              handle
                  .createUpdate(INSERT)
                  .bind("id", SqlValues.text(token.id()))
                  .bind("name", SqlValues.text(token.name()))
                  .bind("hash", SqlValues.text(token.hash()))
                  .bind("created_at", SqlValues.timestamp(token.createdAt()))
                  .execute());
    } catch (JdbiException e) {
      if (SqlStates.isUniqueViolation(e)) {
        // The message names the id only: the hash identifies a live credential.
        throw new IllegalArgumentException(
            "token " + token.id() + " (expected: an id and a hash that no stored token has)");
      }
      throw e;
    }
  }

  @Override
  public boolean delete(String id) {
    requireNonNull(id, "id");
    return jdbi.withHandle(
        handle -> handle.createUpdate(DELETE).bind("id", SqlValues.text(id)).execute() > 0);
  }
}
