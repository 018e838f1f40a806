package org.fwlb.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Per-thread capture of System.out and System.err: ONOS's AbstractShellCommand prints with
 * {@code System.out.println}, so commands run for different clients at once must each see their own
 * output. Once {@link #install()}ed, System.out/err write to the calling thread's capture buffers while
 * one is open, and to the process's real stdout/stderr otherwise.
 */
public final class OutputCapture {

    /** The process's real stdout (use it for logging, which must never be captured). */
    public static final PrintStream ORIGINAL_OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    /** The process's real stderr. */
    public static final PrintStream ORIGINAL_ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true);

    private static final ThreadLocal<Buffers> CURRENT = new ThreadLocal<>();
    private static boolean installed;

    private OutputCapture() {
    }

    /** What one capture collected. */
    public record Captured(String out, String err) {
    }

    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
    }

    /** Replaces System.out and System.err with thread-demultiplexing streams (idempotent). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        System.setOut(new PrintStream(new Demux(System.out, true), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Demux(System.err, false), true, StandardCharsets.UTF_8));
        installed = true;
    }

    /** Starts capturing this thread's System.out/err. */
    public static void begin() {
        install();
        CURRENT.set(new Buffers());
    }

    /** @return what this thread wrote since {@link #begin()}; capturing stops */
    public static Captured end() {
        System.out.flush();
        System.err.flush();
        Buffers b = CURRENT.get();
        CURRENT.remove();
        if (b == null) {
            return new Captured("", "");
        }
        return new Captured(b.out.toString(StandardCharsets.UTF_8), b.err.toString(StandardCharsets.UTF_8));
    }

    private static final class Demux extends OutputStream {
        private final OutputStream fallback;
        private final boolean out;

        Demux(OutputStream fallback, boolean out) {
            this.fallback = fallback;
            this.out = out;
        }

        private OutputStream target() {
            Buffers b = CURRENT.get();
            return b == null ? fallback : (out ? b.out : b.err);
        }

        @Override
        public void write(int b) throws java.io.IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            target().flush();
        }
    }
}
