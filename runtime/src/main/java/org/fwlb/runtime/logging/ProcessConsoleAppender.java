package org.fwlb.runtime.logging;

import ch.qos.logback.core.OutputStreamAppender;
import org.fwlb.runtime.cli.OutputCapture;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;

/**
 * A console appender bound to the process's real stdout or stderr, so log lines written while a command
 * runs never end up in that command's captured output.
 *
 * @param <E> event type
 */
public class ProcessConsoleAppender<E> extends OutputStreamAppender<E> {

    private String target = "System.out";

    /**
     * @param target "System.out" or "System.err"
     */
    public void setTarget(String target) {
        this.target = target;
    }

    @Override
    public void start() {
        PrintStream console = "System.err".equals(target) ? OutputCapture.ORIGINAL_ERR : OutputCapture.ORIGINAL_OUT;
        // stopping an appender closes its stream: never close the process's stdout/stderr
        setOutputStream(new FilterOutputStream(console) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        super.start();
    }
}
