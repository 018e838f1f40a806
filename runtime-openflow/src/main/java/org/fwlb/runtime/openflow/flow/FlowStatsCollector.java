package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The FLOW statistics poll of one switch connection, as ONOS 2.7's {@code FlowStatsCollector}
 * ({@code providers/openflow/flow/.../impl/FlowStatsCollector.java}): first poll 1 s after the switch
 * connects, then every {@code flowPollFrequency} at a fixed rate; a tick is skipped while the previous
 * request is unanswered, for at most 5 ticks ({@code WAITING_ATTEMPTS}); the request asks for every
 * table with a wildcard match. The complete (multipart-joined) reply goes to the reconciliation on the
 * flow-sync thread, in order with the switch's FLOW_REMOVED messages.
 *
 * <p>Not emulated: ONOS's pause of the poll under a high FLOW_MOD rate ({@code isHighLoad}).
 */
final class FlowStatsCollector {
    private static final Logger log = LoggerFactory.getLogger(FlowStatsCollector.class);
    static final int WAITING_ATTEMPTS = 5;

    private final SwitchConnection conn;
    private final BiConsumer<SwitchConnection, List<OFFlowStatsEntry>> reconcile;
    private final java.util.concurrent.Executor sync;
    private final AtomicInteger waiting = new AtomicInteger();
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> task;
    private boolean stopped;

    FlowStatsCollector(SwitchConnection conn, BiConsumer<SwitchConnection, List<OFFlowStatsEntry>> reconcile,
                       java.util.concurrent.Executor sync) {
        this.conn = conn;
        this.reconcile = reconcile;
        this.sync = sync;
    }

    synchronized void start(ScheduledExecutorService s, Duration firstDelay, Duration period) {
        if (stopped) {
            return;
        }
        this.scheduler = s;
        task = s.scheduleAtFixedRate(this::tick, firstDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** ONOS's {@code adjustPollInterval}: restart with the new period (first tick one period from now). */
    synchronized void adjust(Duration period) {
        if (task == null || stopped) {
            return;
        }
        task.cancel(false);
        task = scheduler.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        waiting.set(0);
    }

    synchronized void stop() {
        stopped = true;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** One timer tick of ONOS's PollTimerTask. */
    void tick() {
        try {
            if (waiting.getAndDecrement() > 0) {
                log.debug("{}: skipping flow statistics, waiting for the previous reply", conn.deviceId());
                return;
            }
            poll();
        } catch (RuntimeException e) {
            log.warn("{}: flow statistics poll failed", conn.deviceId(), e);
        }
    }

    /**
     * Sends the FLOW statistics request now.
     *
     * @return completes once the reply has been reconciled with the store
     */
    CompletableFuture<Void> poll() {
        waiting.set(WAITING_ATTEMPTS);
        CompletableFuture<List<OFFlowStatsReply>> replies = conn.stats(conn.factory().buildFlowStatsRequest()
                .setXid(conn.nextXid())
                .setTableId(TableId.ALL)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setCookie(U64.ZERO)
                .setCookieMask(U64.ZERO)
                .setMatch(conn.factory().buildMatch().build())
                .build());
        return replies.thenApply(list -> {
            waiting.set(0); // FlowStatsCollector.received, on the I/O thread
            return list;
        }).thenAcceptAsync(list -> {
            List<OFFlowStatsEntry> flows = new ArrayList<>();
            list.forEach(r -> flows.addAll(r.getEntries()));
            reconcile.accept(conn, flows);
        }, sync).whenComplete((v, e) -> {
            if (e != null) {
                log.debug("{}: flow statistics failed: {}", conn.deviceId(), FlowRuleManager.rootMessage(e));
            }
        });
    }
}
