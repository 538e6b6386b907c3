package org.patientvault.mapping.dicom.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read or skipped to a sink, so a parse and a store can share one pass over a stream. */
public final class TeeInputStream extends FilterInputStream {
    private final OutputStream sink;
    private final byte[] skipBuffer = new byte[65536];

    public TeeInputStream(InputStream in, OutputStream sink) {
        super(in);
        this.sink = sink;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sink.write(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sink.write(b, off, n);
        }
        return n;
    }

    /** Skipping must still copy, so it reads. */
    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Copies whatever is left. */
    public void drain() throws IOException {
        while (read(skipBuffer, 0, skipBuffer.length) >= 0) {
            // copied by read
        }
    }
}
