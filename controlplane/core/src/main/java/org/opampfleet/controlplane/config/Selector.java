/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A Kubernetes-style label selector over agents: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k
 * in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}, joined by commas (AND). Values with
 * characters outside the label-value alphabet may be double-quoted.
 *
 * <p>Keys are looked up by the caller, typically {@link
 * org.opampfleet.controlplane.agent.Agent#attribute(String)}: labels first, then identifying, then
 * non-identifying attributes. An empty selector matches everything.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class Selector {
  private static final Selector ALL = new Selector("", List.of());

  /** One clause of a selector. */
  public record Requirement(String key, Operator operator, List<String> values) {
    /** Validates and copies. */
    public Requirement {
      requireNonNull(key, "key");
      requireNonNull(operator, "operator");
      values = List.copyOf(values);
    }

    boolean matches(Optional<String> value) {
      return switch (operator) {
        case EQUALS, IN -> value.isPresent() && values.contains(value.get());
        case NOT_EQUALS, NOT_IN -> value.isEmpty() || !values.contains(value.get());
        case EXISTS -> value.isPresent();
        case DOES_NOT_EXIST -> value.isEmpty();
      };
    }
  }

  /** Selector operators. */
  public enum Operator {
    /** {@code k=v} or {@code k==v}. */
    EQUALS,
    /** {@code k!=v}: matches when the key is absent too. */
    NOT_EQUALS,
    /** {@code k in (a,b)}. */
    IN,
    /** {@code k notin (a,b)}: matches when the key is absent too. */
    NOT_IN,
    /** {@code k}. */
    EXISTS,
    /** {@code !k}. */
    DOES_NOT_EXIST
  }

  private final String text;
  private final List<Requirement> requirements;

  private Selector(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = List.copyOf(requirements);
  }

  /** Returns the selector that matches every agent. */
  public static Selector all() {
    return ALL;
  }

  /**
   * Parses a selector.
   *
   * @throws SelectorParseException with the column of the problem
   */
  public static Selector parse(String text) {
    requireNonNull(text, "text");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return ALL;
    }
    return new Selector(trimmed, new Parser(text).parse());
  }

  /** Returns the clauses. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Returns the keys the selector uses, in order of appearance. */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    requirements.forEach(r -> keys.add(r.key()));
    return keys;
  }

  /** Returns whether the selector matches everything. */
  public boolean matchesAll() {
    return requirements.isEmpty();
  }

  /** Returns whether every clause holds for the values {@code lookup} finds. */
  public boolean matches(Function<String, Optional<String>> lookup) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(lookup.apply(requirement.key()))) {
        return false;
      }
    }
    return true;
  }

  /** Returns the selector as written (trimmed). */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Selector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Requirement> parse() {
      List<Requirement> out = new ArrayList<>();
      while (true) {
        skipSpace();
        out.add(requirement());
        skipSpace();
        if (i == s.length()) {
          return out;
        }
        expect(',', "expected ',' between requirements");
      }
    }

    private Requirement requirement() {
      if (peek() == '!') {
        i++;
        skipSpace();
        return new Requirement(key(), Operator.DOES_NOT_EXIST, List.of());
      }
      String key = key();
      skipSpace();
      if (i == s.length() || peek() == ',') {
        return new Requirement(key, Operator.EXISTS, List.of());
      }
      if (s.startsWith("==", i)) {
        i += 2;
        return new Requirement(key, Operator.EQUALS, List.of(value()));
      }
      if (s.startsWith("!=", i)) {
        i += 2;
        return new Requirement(key, Operator.NOT_EQUALS, List.of(value()));
      }
      if (peek() == '=') {
        i++;
        return new Requirement(key, Operator.EQUALS, List.of(value()));
      }
      if (word("notin")) {
        return new Requirement(key, Operator.NOT_IN, set("notin"));
      }
      if (word("in")) {
        return new Requirement(key, Operator.IN, set("in"));
      }
      throw error(
          "expected '=', '==', '!=', 'in', 'notin', ',' or the end after key '" + key + "'");
    }

    private List<String> set(String operator) {
      skipSpace();
      expect('(', "expected '(' after '" + operator + "'");
      List<String> values = new ArrayList<>();
      while (true) {
        skipSpace();
        if (peek() == ')' && values.isEmpty()) {
          throw error("expected at least one value in '" + operator + " (...)'");
        }
        values.add(rawValue());
        skipSpace();
        if (peek() == ')') {
          i++;
          return values;
        }
        expect(',', "expected ',' or ')' in the value list");
      }
    }

    private String key() {
      int start = i;
      while (i < s.length() && isKeyChar(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw error(
            i == s.length()
                ? "expected a key at the end"
                : "expected a key, found '" + s.charAt(i) + "'");
      }
      return s.substring(start, i);
    }

    private String value() {
      skipSpace();
      return rawValue();
    }

    private String rawValue() {
      if (peek() == '"') {
        int start = ++i;
        while (i < s.length() && s.charAt(i) != '"') {
          i++;
        }
        if (i == s.length()) {
          throw new SelectorParseException(start, "unterminated quoted value");
        }
        return s.substring(start, i++);
      }
      int start = i;
      while (i < s.length() && isValueChar(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        if (i < s.length() && !isSpace(s.charAt(i)) && s.charAt(i) != ',' && s.charAt(i) != ')') {
          throw error(
              "'"
                  + s.charAt(i)
                  + "' is not allowed in an unquoted value; put the value in double quotes");
        }
        throw error("expected a value");
      }
      return s.substring(start, i);
    }

    private boolean word(String w) {
      if (s.startsWith(w, i)
          && (i + w.length() == s.length() || !isKeyChar(s.charAt(i + w.length())))) {
        i += w.length();
        return true;
      }
      return false;
    }

    private void expect(char c, String message) {
      if (peek() != c) {
        throw error(message);
      }
      i++;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
      while (i < s.length() && isSpace(s.charAt(i))) {
        i++;
      }
    }

    private SelectorParseException error(String message) {
      return new SelectorParseException(i + 1, message);
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isKeyChar(char c) {
      return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '/';
    }

    private static boolean isValueChar(char c) {
      return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }
  }
}
