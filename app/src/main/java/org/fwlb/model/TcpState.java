package org.fwlb.model;

/**
 * Life-cycle state of a pinned connection, as far as the controller knows it: its path decided and the rules
 * being installed (SYN_SEEN), the SYN released but no packet of the client's seen since (OPENING, half-open),
 * the client's next packets counted by its rule (ESTABLISHED); closing states only where FIN/RST are punted
 * (the optional tcp_flags mode); then gone (idle expiry, member down).
 */
public enum TcpState {
    /** The SYN was seen and the path pinned; its rules are being installed, the SYN waits for them. */
    SYN_SEEN,
    /** The client's packets after its SYN crossed the connection's rule (its handshake completed). */
    ESTABLISHED,
    /** A FIN or RST was seen; the rules run on the short closing timeout. */
    CLOSING,
    /** The client sent a FIN; the server may still send (half-closed). */
    FIN_FROM_CLIENT,
    /** The server sent a FIN; the client may still send (half-closed). */
    FIN_FROM_SERVER,
    /** The rules are confirmed and the SYN released; no later packet of the client seen yet (half-open). */
    OPENING
}
