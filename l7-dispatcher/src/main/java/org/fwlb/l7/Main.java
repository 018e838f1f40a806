package org.fwlb.l7;

import org.fwlb.l7.config.ConfigException;
import org.fwlb.l7.config.ConfigFileMode;
import org.fwlb.l7.config.DispatcherConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code fwlb-l7 --config FILE [--log-level debug|info|warn|error]}. Exit 2: bad usage or config. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path config = null;
        Log.Level level = Log.Level.INFO;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("-c")) && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (a.equals("--log-level") && i + 1 < args.length) {
                try {
                    level = Log.Level.valueOf(args[++i].toUpperCase());
                } catch (IllegalArgumentException e) {
                    usage("unknown log level " + args[i]);
                }
            } else if (a.equals("--help") || a.equals("-h")) {
                usage(null);
            } else {
                usage("unknown argument " + a);
            }
        }
        if (config == null) {
            usage("--config is required");
        }
        Log.setLevel(level);
        DispatcherConfig cfg;
        try {
            cfg = DispatcherConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("fwlb-l7: " + config + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("fwlb-l7: cannot read " + config + ": " + e);
            System.exit(2);
            return;
        }
        Path cfgFile = config;
        ConfigFileMode.exposed(cfgFile).ifPresent(mode -> Log.warn("config_readable_by_others", "path", cfgFile,
                "mode", mode, "note", "it holds keys and credentials: chmod 600 it, owned by the dispatcher's user"));
        Dispatcher d = new Dispatcher(cfg);
        try {
            d.start();
        } catch (Exception e) {
            Log.error("start_failed", "id", cfg.id(), "error", e.toString());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM / SIGINT run the hooks: drain, then exit
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.shutdown(cfg.shutdownGraceMs());
            stopped.countDown();
        }, "l7-shutdown"));
        stopped.await();
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("fwlb-l7: " + error);
        }
        System.err.println("usage: fwlb-l7 --config FILE [--log-level debug|info|warn|error]");
        System.exit(error == null ? 0 : 2);
    }
}
