package org.fwlb.model;

/**
 * Life-cycle state of a pinned connection: SYN seen, established, closing (FIN/RST seen), then gone.
 */
public enum TcpState {
    /** The SYN was seen and the path pinned; the handshake has not completed yet. */
    SYN_SEEN,
    /** Data flows. */
    ESTABLISHED,
    /** A FIN or RST was seen; the rules run on the short closing timeout. */
    CLOSING,
    /** The client sent a FIN; the server may still send (half-closed). */
    FIN_FROM_CLIENT,
    /** The server sent a FIN; the client may still send (half-closed). */
    FIN_FROM_SERVER
}
