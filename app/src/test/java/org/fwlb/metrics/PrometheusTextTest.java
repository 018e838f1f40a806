package org.fwlb.metrics;

import com.codahale.metrics.Timer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextTest {

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).collect(Collectors.toList());
    }

    @Test
    void samplesOfOneNameFormOneFamilyWithTheConstantLabelsAndTotalSuffix() {
        PrometheusText t = new PrometheusText("instance", "10.0.0.1");
        t.counter("fwlb_firewall_placements", "placed", 3, "firewall", "fw1");
        t.gauge("fwlb_firewall_connections", "live", 2, "firewall", "fw1");
        t.counter("fwlb_firewall_placements", "placed", 5, "firewall", "fw2");
        List<String> l = lines(t.text());
        assertEquals(1, l.stream().filter(x -> x.startsWith("# TYPE fwlb_firewall_placements_total counter")).count(),
                     l.toString());
        assertTrue(l.contains("fwlb_firewall_placements_total{firewall=\"fw1\",instance=\"10.0.0.1\"} 3.0"), l.toString());
        assertTrue(l.contains("fwlb_firewall_placements_total{firewall=\"fw2\",instance=\"10.0.0.1\"} 5.0"), l.toString());
        assertTrue(l.contains("fwlb_firewall_connections{firewall=\"fw1\",instance=\"10.0.0.1\"} 2.0"), l.toString());
    }

    @Test
    void aTimerIsASummaryInSecondsWithItsCountAndQuantiles() {
        Timer timer = new Timer();
        timer.update(2, TimeUnit.MILLISECONDS);
        timer.update(2, TimeUnit.MILLISECONDS);
        List<String> l = lines(new PrometheusText("instance", "a").summary("fwlb_decision_latency_seconds", "decide",
                                                                          timer).text());
        assertTrue(l.contains("# TYPE fwlb_decision_latency_seconds summary"), l.toString());
        assertTrue(l.contains("fwlb_decision_latency_seconds_count{instance=\"a\"} 2"), l.toString());
        assertTrue(l.contains("fwlb_decision_latency_seconds{instance=\"a\",quantile=\"0.5\"} 0.002"), l.toString());
    }

    @Test
    void camelCaseCountersBecomeSnakeCase() {
        assertEquals("syn_punts", EngineExposition.snake("synPunts"));
        assertEquals("unknown_non_syn_punts", EngineExposition.snake("unknownNonSynPunts"));
    }
}
