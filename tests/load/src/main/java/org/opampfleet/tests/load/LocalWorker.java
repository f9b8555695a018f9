/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A worker in the coordinator's own process: for runs small enough for one process, and for tests.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class LocalWorker implements WorkerHandle {
  private final Worker worker;
  private final CountDownLatch ended = new CountDownLatch(1);

  LocalWorker(LoadOptions options, WorkerPlan plan, Consumer<WorkerEvent> sink) {
    this.worker =
        new Worker(
            options,
            plan,
            event -> {
              sink.accept(event);
              if (event.type() == WorkerEvent.Type.FINAL
                  || event.type() == WorkerEvent.Type.FAILED) {
                ended.countDown();
              }
            });
  }

  @Override
  public void start() {
    worker.start();
  }

  @Override
  public void send(WorkerCommand command) {
    worker.handle(command);
  }

  @Override
  public boolean awaitEnd(Duration timeout) {
    try {
      return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    worker.stop();
  }
}
