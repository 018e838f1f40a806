package org.fwlb.runtime.openflow.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.util.List;

/**
 * Cuts the byte stream into OpenFlow messages and checks each before parsing: the first must be a
 * HELLO (of any version, see {@link HelloFrame}); every later one must be OpenFlow 1.3 (0x04), at least
 * 8 bytes long and parse completely. Anything else raises {@link BadOpenFlowInputException} once; the
 * rest of the stream is then ignored while the handler closes the channel.
 */
public final class OfFrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_LENGTH = 8;
    static final int OF13 = 4;
    private static final int TYPE_HELLO = 0;

    private final OFMessageReader<OFMessage> reader = OFFactories.getFactory(OFVersion.OF_13).getReader();
    private boolean helloSeen;
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        int type = in.getUnsignedByte(start + 1);
        int length = in.getUnsignedShort(start + 2);
        if (!helloSeen) {
            if (type != TYPE_HELLO || version == 0) {
                fail(String.format("first message is not an OpenFlow HELLO (bytes %02x %02x %02x %02x)",
                        version, type, length >> 8, length & 0xff));
            }
        } else if (version != OF13) {
            fail(String.format("message of version 0x%02x (type %d) after OpenFlow 1.3 was negotiated",
                    version, type));
        }
        if (length < HEADER_LENGTH) {
            fail("message type " + type + " declares length " + length + ", less than the 8-byte header");
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf frame = in.readSlice(length);
        if (!helloSeen) {
            helloSeen = true;
            out.add(HelloFrame.parse(frame));
            return;
        }
        OFMessage msg;
        try {
            msg = reader.readFrom(frame);
        } catch (OFParseError | RuntimeException e) {
            fail("malformed message of type " + type + " (" + length + " bytes): " + e.getMessage());
            return;
        }
        if (msg == null) {
            fail("truncated message of type " + type + ": its body needs more than the declared " + length + " bytes");
        }
        out.add(msg instanceof OFStatsReply ? new MultipartPart((OFStatsReply) msg, length) : msg);
    }

    private void fail(String reason) {
        failed = true;
        throw new BadOpenFlowInputException(reason);
    }
}
