package org.fwlb.l7;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A byte-exact HTTP/1.1 client over one socket, so tests see exactly what the dispatcher sends. */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(), List.of());
        }

        /** The value of the cookie a Set-Cookie of this response sets, or null. */
        String setCookie(String name) {
            for (String sc : all("set-cookie")) {
                if (sc.startsWith(name + "=")) {
                    return sc.substring(name.length() + 1, sc.indexOf(';'));
                }
            }
            return null;
        }
    }

    RawHttp(InetSocketAddress addr) throws IOException {
        socket = new Socket();
        socket.connect(addr, 2000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawHttp send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    static String get(String path, String... headers) {
        StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: vip.example\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    Response exchange(String raw) throws IOException {
        send(raw);
        return read(raw.startsWith("HEAD "));
    }

    Response read() throws IOException {
        return read(false);
    }

    Response read(boolean headRequest) throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, c).trim().toLowerCase(), k -> new ArrayList<>())
                    .add(l.substring(c + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean noBody = headRequest || code == 204 || code == 304 || code < 200;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (noBody) {
            // nothing
        } else if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            while (true) {
                int size = Integer.parseInt(line().trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl.get(0))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the peer closed the connection (EOF) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /**
     * Whether a new connection is closed by the peer without being served. The reset of an accept-and-close
     * may already be there when a timed connect polls for completion, so a reset during connect counts too.
     */
    static boolean closedOnArrival(InetSocketAddress addr) throws IOException {
        RawHttp c;
        try {
            c = new RawHttp(addr);
        } catch (java.net.SocketException e) {
            if (e instanceof java.net.ConnectException) {
                throw e; // refused at the SYN: nobody listening, not the cap
            }
            return true;
        }
        try (c) {
            return c.closedByPeer();
        }
    }

    /** Like closedByPeer but waits only 200 ms. */
    boolean closedByPeerQuick() throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(200);
        try {
            return closedByPeer();
        } finally {
            socket.setSoTimeout(old);
        }
    }

    /** Everything until the peer closes. */
    String readAll() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
