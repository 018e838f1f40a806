package org.fwlb.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Configures logback for {@code bin/fwlb run}: console and (optionally) a file, one level for the
 * runtime and the apps; Jetty, Jersey, HK2 and Netty stay at WARN unless the level is DEBUG or TRACE.
 */
public final class LoggingSetup {

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private LoggingSetup() {
    }

    /**
     * @param level   root level name (TRACE, DEBUG, INFO, WARN, ERROR)
     * @param logFile log file, or null for console only
     * @throws IllegalArgumentException for an unknown level
     */
    public static void configure(String level, Path logFile) {
        Level l = Level.toLevel(level.toUpperCase(), null);
        if (l == null) {
            throw new IllegalArgumentException("--log-level: unknown level " + level
                    + " (use TRACE, DEBUG, INFO, WARN or ERROR)");
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        // java.util.logging (Jersey, HK2) into logback; the level propagator keeps JUL cheap
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        ch.qos.logback.classic.jul.LevelChangePropagator jul = new ch.qos.logback.classic.jul.LevelChangePropagator();
        jul.setContext(ctx);
        jul.setResetJUL(true);
        ctx.addListener(jul);
        jul.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(l);

        ProcessConsoleAppender<ILoggingEvent> console = new ProcessConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setEncoder(encoder(ctx));
        console.start();
        root.addAppender(console);

        if (logFile != null) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setContext(ctx);
            file.setName("file");
            file.setFile(logFile.toString());
            file.setAppend(true);
            file.setEncoder(encoder(ctx));
            file.start();
            if (!file.isStarted()) {
                throw new IllegalArgumentException("--log-file: cannot write " + logFile);
            }
            root.addAppender(file);
        }
        // Jersey warns (wrongly) that resource instances "do not implement any provider interfaces"
        ctx.getLogger("org.glassfish.jersey.internal.inject.Providers").setLevel(Level.ERROR);
        if (l.isGreaterOrEqual(Level.INFO)) {
            for (String noisy : new String[]{"org.eclipse.jetty", "org.glassfish", "org.jvnet", "io.netty"}) {
                ctx.getLogger(noisy).setLevel(Level.WARN);
            }
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(PATTERN);
        e.start();
        return e;
    }

    /** Flushes and stops logging (end of the shutdown hook). */
    public static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
