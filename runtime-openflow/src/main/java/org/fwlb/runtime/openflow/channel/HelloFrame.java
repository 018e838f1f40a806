package org.fwlb.runtime.openflow.channel;

import io.netty.buffer.ByteBuf;

/**
 * A switch's HELLO, parsed by hand: it may carry any version (the negotiation must be able to read
 * a 1.0 or 1.5 hello), which an OpenFlow 1.3 message reader would reject.
 */
public final class HelloFrame {
    private static final int ELEM_VERSIONBITMAP = 1;

    private final int version;
    private final long xid;
    private final long[] bitmap;

    private HelloFrame(int version, long xid, long[] bitmap) {
        this.version = version;
        this.xid = xid;
        this.bitmap = bitmap;
    }

    /**
     * Parses a whole HELLO frame (header included).
     *
     * @param frame exactly the bytes of the message
     * @return the hello
     * @throws BadOpenFlowInputException if an element is malformed
     */
    static HelloFrame parse(ByteBuf frame) {
        int start = frame.readerIndex();
        int version = frame.getUnsignedByte(start);
        long xid = frame.getUnsignedInt(start + 4);
        int end = start + frame.getUnsignedShort(start + 2);
        int pos = start + 8;
        long[] bitmap = null;
        while (pos + 4 <= end) {
            int type = frame.getUnsignedShort(pos);
            int len = frame.getUnsignedShort(pos + 2);
            if (len < 4 || pos + len > end) {
                throw new BadOpenFlowInputException("malformed HELLO: element of type " + type + " has length " + len);
            }
            if (type == ELEM_VERSIONBITMAP) {
                int words = (len - 4) / 4;
                bitmap = new long[words];
                for (int i = 0; i < words; i++) {
                    bitmap[i] = frame.getUnsignedInt(pos + 4 + 4 * i);
                }
            }
            pos += (len + 7) & ~7;
        }
        return new HelloFrame(version, xid, bitmap);
    }

    public int version() {
        return version;
    }

    public long xid() {
        return xid;
    }

    public boolean hasBitmap() {
        return bitmap != null;
    }

    /**
     * Whether the switch can speak the given wire version.
     *
     * @param wireVersion e.g. 4 for OpenFlow 1.3
     * @return per the bitmap if present, else per the header version (a switch supports up to its own)
     */
    public boolean supports(int wireVersion) {
        if (bitmap == null) {
            return version >= wireVersion;
        }
        int word = wireVersion / 32;
        return word < bitmap.length && (bitmap[word] & (1L << (wireVersion % 32))) != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HELLO(version=0x" + Integer.toHexString(version));
        if (bitmap != null) {
            sb.append(", bitmap=");
            for (long w : bitmap) {
                sb.append(Long.toHexString(w)).append(' ');
            }
        }
        return sb.append(')').toString();
    }
}
