package org.fwlb.runtime.openflow.channel;

import org.projectfloodlight.openflow.protocol.OFStatsReply;

/**
 * One part of a multipart reply with its length on the wire, decoded together: the reply limits count bytes,
 * and the decoder may already be past a part by the time the handler takes it (Netty hands several decoded
 * messages of one read on at once), so the length cannot be read back from the decoder.
 *
 * @param reply      the part
 * @param wireLength its bytes on the wire, header included
 */
record MultipartPart(OFStatsReply reply, int wireLength) {
}
