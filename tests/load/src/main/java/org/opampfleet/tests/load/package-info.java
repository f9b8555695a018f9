/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The fleet load generator: simulated OpAMP agents on Netty event loops, spread over worker
 * processes and loopback source addresses, driven through bounded scenarios ({@code idle}, {@code
 * rollout}, {@code storm}, {@code poll}, {@code churn}) with a progress line, a summary and a JSON
 * result.
 *
 * <p><b>Threading.</b> Each simulated agent is confined to one event loop for life; everything it
 * owns is read and written only there. Counters and histograms are thread-safe ({@code LongAdder},
 * HdrHistogram {@code Recorder}). The coordinator runs on the main thread; worker events arrive on
 * one reader thread per worker process.
 */
package org.opampfleet.tests.load;
