/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorTest {
  private static final Map<String, String> CHECKOUT_PROD =
      Map.of("service.name", "checkout", "deployment.environment", "prod", "zone", "eu-1");

  private static boolean matches(String selector, Map<String, String> attributes) {
    return Selector.parse(selector).matches(k -> Optional.ofNullable(attributes.get(k)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "service.name=checkout                                         | true",
        "service.name==checkout                                        | true",
        "service.name!=checkout                                        | false",
        "service.name=cart                                             | false",
        "deployment.environment in (prod,staging)                      | true",
        "deployment.environment in (staging)                           | false",
        "deployment.environment notin (staging, dev)                   | true",
        "zone                                                          | true",
        "!canary                                                       | true",
        "!zone                                                         | false",
        "service.name=checkout,deployment.environment in (prod,staging),!canary | true",
        "service.name=checkout,canary                                  | false",
        "missing!=x                                                    | true",
        "missing notin (x)                                             | true",
        "missing in (x)                                                | false",
        "'  service.name = checkout ,  zone  '                         | true",
      })
  void evaluatesKubernetesLabelSelectors(String selector, boolean expected) {
    assertThat(matches(selector, CHECKOUT_PROD)).isEqualTo(expected);
  }

  @Test
  void matchesEverythingWhenEmpty() {
    assertThat(Selector.parse("  ").matchesAll()).isTrue();
    assertThat(matches("", Map.of())).isTrue();
  }

  @Test
  void acceptsQuotedValuesWithSpacesAndSlashes() {
    assertThat(matches("team=\"payments / eu\"", Map.of("team", "payments / eu"))).isTrue();
  }

  @Test
  void listsItsKeysInOrder() {
    assertThat(Selector.parse("b=1,a in (2),!c").keys()).containsExactly("b", "a", "c");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "service.name=checkout,env in prod      | 30 | expected '(' after 'in'",
        "service.name=                          | 14 | expected a value",
        "=x                                     | 1  | expected a key, found '='",
        "a=b c=d                                | 5  | expected ',' between requirements",
        "env in ()                              | 9  | expected at least one value",
        "env in (a,b                            | 12 | expected ',' or ')' in the value list",
        "team=payments/eu                       | 14 | expected ',' between requirements",
        "team=\"open                            | 6  | unterminated quoted value",
        "a=b,                                   | 5  | expected a key at the end",
      })
  void namesTheColumnOfAMistake(String selector, int column, String problem) {
    assertThatThrownBy(() -> Selector.parse(selector.strip()))
        .isInstanceOfSatisfying(
            SelectorParseException.class,
            e -> {
              assertThat(e.column()).isEqualTo(column);
              assertThat(e.problem()).startsWith(problem);
              assertThat(e.getMessage()).startsWith("column " + column + ": ");
            });
  }
}
