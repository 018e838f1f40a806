package org.fwlb.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.runtime.cli.OutputCapture;
import org.fwlb.runtime.core.SingleNodeClusterService;
import org.fwlb.runtime.logging.LoggingSetup;
import org.fwlb.runtime.netcfg.NetcfgDocument;
import org.fwlb.runtime.netcfg.NetcfgException;
import org.fwlb.runtime.netcfg.OpenFlowDeviceConfig;
import org.fwlb.runtime.rest.RestSecurity;
import org.fwlb.runtime.security.FirstStart;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.scr.ComponentState;
import org.fwlb.runtime.scr.ComponentStatus;
import org.fwlb.runtime.store.StoreBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/fwlb run}: starts a runtime on the OpenFlow southbound, applies the netcfg file, prints the
 * ready line and runs until SIGTERM/SIGINT, then deactivates the components and (unless
 * {@code --keep-flows-on-exit}) removes the rules it installed. Exit codes: 0 after a clean shutdown,
 * 1 when it cannot start (invalid netcfg, port in use, --strict and a component inactive), 2 for a bad
 * command line.
 */
public final class Main {

    private static final PrintStream OUT = OutputCapture.ORIGINAL_OUT;
    private static final PrintStream ERR = OutputCapture.ORIGINAL_ERR;

    private Main() {
    }

    /**
     * @param argv "run" and its options
     */
    public static void main(String[] argv) {
        List<String> args = Arrays.asList(argv);
        if (!args.isEmpty() && args.get(0).equals("run")) {
            args = args.subList(1, args.size());
        }
        RuntimeOptions opts;
        try {
            opts = RuntimeOptions.parse(args);
        } catch (RuntimeOptions.UsageException e) {
            ERR.println("fwlb run: " + e.getMessage());
            ERR.print(RuntimeOptions.USAGE);
            System.exit(2);
            return;
        }
        if (opts.help()) {
            OUT.print(RuntimeOptions.USAGE);
            System.exit(0);
        }
        int code = run(opts);
        if (code != 0) {
            System.exit(code); // the shutdown hook stops whatever had started
        }
        // 0: the shutdown hook ran (SIGTERM/SIGINT); the JVM is already exiting
    }

    private static int run(RuntimeOptions opts) {
        RuntimeOptions.Security sec = opts.security();
        JsonNode netcfg;
        try {
            long size = Files.size(opts.config());
            if (size > sec.maxDocumentBytes()) {
                ERR.println("fwlb run: the network configuration " + opts.config() + " has " + size
                        + " bytes, more than the limit of " + sec.maxDocumentBytes() + " (--max-document-size)");
                return 1;
            }
            netcfg = new ObjectMapper().readTree(Files.readAllBytes(opts.config()));
        } catch (IOException e) {
            ERR.println("fwlb run: cannot read the network configuration " + opts.config() + ": " + e.getMessage());
            return 1;
        }
        try {
            LoggingSetup.configure(opts.logLevel(), opts.logFile());
        } catch (IllegalArgumentException e) {
            ERR.println("fwlb run: " + e.getMessage());
            return 2;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        OutputCapture.install();

        RestSecurity restSecurity = null;
        if (opts.restPort() >= 0) {
            try {
                restSecurity = new RestSecurity(FirstStart.openOrCreate(sec.users()), sec.restKeyStore(),
                                                sec.maxDocumentBytes());
            } catch (IOException | IllegalArgumentException e) {
                log.error("REST users file {}: {}", sec.users(), e.getMessage());
                ERR.println("fwlb run: REST users file " + sec.users() + ": " + e.getMessage());
                return 1;
            }
        }
        AtomicReference<FwlbRuntime> self = new AtomicReference<>();
        NetworkServices southbound = null;
        if (opts.openflow()) {
            OpenFlowOptions.Builder of = OpenFlowOptions.builder()
                    .port(opts.ofPort())
                    .bindAddress(opts.ofAddress())
                    .flowPollFrequency(Duration.ofSeconds(opts.flowPollFrequency()))
                    .allowExtraneousRules(opts.allowExtraneousRules())
                    .importExtraneousRules(opts.importExtraneousRules())
                    .tcpFlagsMatch(opts.tcpFlagsMatch())
                    .nodeId(SingleNodeClusterService.DEFAULT_NODE)
                    .maxMultipartBytes(sec.ofMaxMultipartBytes())
                    .keyAliases(d -> Optional.ofNullable(self.get())
                            .map(r -> r.netcfg().getConfig(d, OpenFlowDeviceConfig.class))
                            .flatMap(OpenFlowDeviceConfig::keyAlias));
            if (sec.ofTlsMode() != OpenFlowOptions.TlsMode.DISABLED) {
                of.tls(sec.ofTlsMode(), sec.ofKeyStore().path(), sec.ofKeyStore().password(),
                       sec.ofTrustStore().path(), sec.ofTrustStore().password());
            }
            southbound = new OpenFlowNetworkServices(of.build());
        }
        FwlbRuntime runtime = FwlbRuntime.builder()
                .networkServices(southbound)
                .storeBackend(new StoreBackend(opts.serializeStores()))
                .rest(opts.restAddress(), opts.restPort())
                .restSecurity(restSecurity)
                .keepFlowsOnExit(opts.keepFlowsOnExit())
                .build();
        self.set(runtime);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down{}", opts.keepFlowsOnExit() ? " (keeping installed rules)" : "");
            runtime.stop(opts.keepFlowsOnExit());
            stopped.countDown();
            LoggingSetup.stop();
        }, "fwlb-shutdown"));

        try {
            runtime.start();
        } catch (Exception e) {
            log.error("cannot start", e);
            ERR.println("fwlb run: cannot start: " + e);
            return 1;
        }
        try {
            NetcfgDocument.Result r = runtime.applyNetcfg(netcfg);
            log.info("network configuration {}: applied {}, queued {}", opts.config(), r.applied(), r.queued());
            for (String q : r.queued()) {
                ERR.println("fwlb run: warning: " + q + " is queued: no loaded component registers that config");
            }
        } catch (NetcfgException e) {
            ERR.println("fwlb run: invalid network configuration " + opts.config() + ":");
            e.problems().forEach(p -> ERR.println("  " + p));
            return 1;
        }
        runtime.awaitEvents(Duration.ofSeconds(5));
        List<ComponentStatus> inactive = runtime.componentStatus().stream()
                .filter(s -> s.state() != ComponentState.ACTIVE).toList();
        if (opts.strict() && !inactive.isEmpty()) {
            ERR.println("fwlb run: --strict: components not active:");
            inactive.forEach(s -> ERR.println("  " + s.name() + ": " + s.state() + " " + s.reason()));
            return 1;
        }
        String ready = runtime.readyLine();
        log.info(ready);
        OUT.println(ready);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
